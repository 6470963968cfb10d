import { BadUserInputError } from '@app/errors';
import { RangePreset } from './dto/usage-filter.input';
import { resolveRange, startOfZonedDay, zoneOffsetMs } from './time-range';

describe('time ranges', () => {
  const now = Date.parse('2026-11-22T10:17:31.500Z');

  it('ends the last hour at the next whole minute', () => {
    const r = resolveRange({ preset: RangePreset.LAST_HOUR }, now);
    expect(r.to.toISOString()).toBe('2026-11-22T10:18:00.000Z');
    expect(r.from.toISOString()).toBe('2026-11-22T09:18:00.000Z');
  });

  it('ends the day presets and TODAY at the next whole UTC hour, holding now', () => {
    const month = resolveRange({ preset: RangePreset.LAST_30_DAYS }, now);
    expect(month.to.toISOString()).toBe('2026-11-22T11:00:00.000Z');
    expect(month.from.toISOString()).toBe('2026-10-23T11:00:00.000Z');
    expect(resolveRange({ preset: RangePreset.TODAY, timeZone: 'Asia/Kolkata' }, now).to.toISOString()).toBe(
      '2026-11-22T11:00:00.000Z',
    );
    // exactly on the hour: the hour that starts now is in the window
    expect(
      resolveRange({ preset: RangePreset.LAST_1_DAY }, Date.parse('2026-11-22T10:00:00.000Z')).to.toISOString(),
    ).toBe('2026-11-22T11:00:00.000Z');
  });

  it('starts TODAY at midnight in the caller zone, half-hour and 45-minute zones included', () => {
    expect(resolveRange({ preset: RangePreset.TODAY, timeZone: 'Asia/Kolkata' }, now).from.toISOString()).toBe(
      '2026-11-21T18:30:00.000Z',
    );
    expect(resolveRange({ preset: RangePreset.TODAY, timeZone: 'Australia/Eucla' }, now).from.toISOString()).toBe(
      '2026-11-21T15:15:00.000Z',
    );
    expect(resolveRange({ preset: RangePreset.TODAY, timeZone: 'America/St_Johns' }, now).from.toISOString()).toBe(
      '2026-11-22T03:30:00.000Z',
    );
  });

  it('handles the day of a DST change', () => {
    // Europe/Berlin leaves summer time on 2026-10-25 at 03:00 local
    const midday = Date.parse('2026-10-25T12:00:00Z');
    expect(new Date(startOfZonedDay('Europe/Berlin', midday)).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(zoneOffsetMs('Europe/Berlin', midday)).toBe(3600_000);
  });

  it('refuses unknown zones, inverted and half-given ranges', () => {
    expect(() => resolveRange({ preset: RangePreset.TODAY, timeZone: 'Mars/Olympus' })).toThrow(BadUserInputError);
    expect(() => resolveRange({ from: new Date(now), to: new Date(now - 1) })).toThrow('from must be before to');
    expect(() => resolveRange({ from: new Date(now) })).toThrow('needs a preset');
  });
});
