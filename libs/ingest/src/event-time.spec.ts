import { UNPRICED_AMOUNTS } from '@app/pricing';
import { validateCallEvent } from './call-event.validator';
import { toCallEventRow } from './call-event-row';
import { parseEventTime, readOccurredAt } from './event-time';

const NOW = Date.parse('2026-11-22T12:00:00Z');

function read(text: string) {
  const time = parseEventTime(text);
  return time.ok ? { at: new Date(time.epochMs).toISOString(), text: time.text } : { refused: time.reason };
}

describe('the occurred_at rule (event-time.ts)', () => {
  it('normalises a leap second to 59.999 of the same date and offset, fraction dropped', () => {
    expect(read('2016-12-31T23:59:60.000Z')).toEqual({
      at: '2016-12-31T23:59:59.999Z',
      text: '2016-12-31T23:59:59.999Z',
    });
    expect(read('2016-12-31T23:59:60Z')).toEqual({ at: '2016-12-31T23:59:59.999Z', text: '2016-12-31T23:59:59.999Z' });
    expect(read('2016-12-31T23:59:60.5123Z').text).toBe('2016-12-31T23:59:59.999Z');
    expect(read('2017-01-01T08:59:60+09:00')).toEqual({
      at: '2016-12-31T23:59:59.999Z',
      text: '2017-01-01T08:59:59.999+09:00',
    });
    expect(read('2016-12-31T22:59:60-01:00').at).toBe('2016-12-31T23:59:59.999Z');
    expect(read('2016-12-31t23:59:60z').text).toBe('2016-12-31t23:59:59.999z');
  });

  it('refuses a second 60 anywhere but 23:59 UTC, and any second above 60', () => {
    expect(read('2016-12-31T00:59:60Z')).toEqual({
      refused: 'occurred_at: second 60 is a leap second only at 23:59 UTC',
    });
    expect(read('2016-12-31T23:59:60+01:00').refused).toMatch(/leap second only at 23:59 UTC/);
    expect(read('2016-12-31T23:59:61Z').refused).toMatch(/second must be 00-59/);
  });

  it('reads lowercase t and z, and a space for T, like T and Z', () => {
    expect(read('2026-01-01t12:00:00z').at).toBe('2026-01-01T12:00:00.000Z');
    expect(read('2026-01-01 12:00:00Z').at).toBe('2026-01-01T12:00:00.000Z');
    expect(read('2026-01-01 12:00:00.25+0530').at).toBe('2026-01-01T06:30:00.250Z');
  });

  it('reads offsets up to ±23:59 (with or without a colon) and -00:00 as UTC; refuses hour-only offsets', () => {
    expect(read('2026-01-01T12:00:00+23:59').at).toBe('2025-12-31T12:01:00.000Z');
    expect(read('2026-01-01T12:00:00-2359').at).toBe('2026-01-02T11:59:00.000Z');
    expect(read('2026-01-01T12:00:00-00:00').at).toBe('2026-01-01T12:00:00.000Z');
    expect(read('2026-01-01T12:00:00+23')).toEqual({ refused: 'occurred_at: offset must be ±hh:mm, not hours only' });
    expect(read('2026-01-01T12:00:00+24:00').refused).toMatch(/offset must be within ±23:59/);
    expect(read('2026-01-01T12:00:00+05:60').refused).toMatch(/offset must be within ±23:59/);
  });

  it('truncates fractions beyond milliseconds, as Date.parse does, even at the end of a day', () => {
    expect(read('2026-01-01T12:00:00.123456789012Z').at).toBe('2026-01-01T12:00:00.123Z');
    expect(read('2026-12-31T23:59:59.99999999Z').at).toBe('2026-12-31T23:59:59.999Z');
    expect(read('2026-01-01T12:00:00.5Z').at).toBe('2026-01-01T12:00:00.500Z');
  });

  it('refuses 24:00:00, impossible dates and fields out of range, which Date.parse would roll over', () => {
    expect(Number.isFinite(Date.parse('2026-01-01T24:00:00Z'))).toBe(true);
    expect(read('2026-01-01T24:00:00Z')).toEqual({ refused: 'occurred_at: hour must be 00-23' });
    expect(read('2026-02-29T00:00:00Z')).toEqual({ refused: 'occurred_at: day must be 01-28 in that month' });
    expect(read('2024-02-29T00:00:00Z').at).toBe('2024-02-29T00:00:00.000Z');
    expect(read('2026-13-01T00:00:00Z').refused).toMatch(/month must be 01-12/);
    expect(read('2026-01-01T12:60:00Z').refused).toMatch(/minute must be 00-59/);
  });

  it('refuses anything outside the grammar: no zone, commas, signs on years, spaces around, other digits', () => {
    for (const text of [
      '2026-01-01T12:00:00',
      '2026-01-01T12:00:00,5Z',
      '2026-01-01T12:00:00.Z',
      '+002026-01-01T12:00:00Z',
      ' 2026-01-01T12:00:00Z',
      '2026-01-01T12:00:00Z ',
      '2026-01-01T12:00:00Z\u0000',
      '２０２６-01-01T12:00:00Z',
      '2026-01-01',
      '',
    ]) {
      expect(read(text).refused).toMatch(/must be an RFC 3339 date-time/);
    }
    expect(parseEventTime(1767268800000)).toEqual({ ok: false, reason: 'occurred_at: must be a string' });
  });

  it('bounds: year 0000 and anything before 2000 refused, not more than 5 minutes ahead', () => {
    expect(read('0000-01-01T00:00:00Z').at).toBe('0000-01-01T00:00:00.000Z');
    expect(readOccurredAt('0000-01-01T00:00:00Z', NOW)).toEqual({
      ok: false,
      reason: 'occurred_at: before 2000-01-01',
    });
    expect(readOccurredAt('0099-01-01T00:00:00Z', NOW)).toEqual({
      ok: false,
      reason: 'occurred_at: before 2000-01-01',
    });
    expect(readOccurredAt('9999-12-31T23:59:59Z', NOW)).toEqual({
      ok: false,
      reason: 'occurred_at: more than 5 minutes in the future',
    });
    expect(readOccurredAt('2026-11-22T12:05:00Z', NOW).ok).toBe(true);
    expect(readOccurredAt('2026-11-22T12:05:00.001Z', NOW).ok).toBe(false);
    expect(readOccurredAt('1999-12-31T23:59:59.999Z', NOW).ok).toBe(false);
    expect(readOccurredAt('2000-01-01T00:00:00Z', NOW).ok).toBe(true);
  });

  it('is the one rule of intake and worker: the validator normalises, the row builder stores the same instant', () => {
    const event = {
      event_id: '01J9ZK3Q4R5S6T7V8W9X0Y1Z2A',
      occurred_at: '2016-12-31T23:59:60.000Z',
      team_id: null,
      user_id: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
      api_key_id: '7a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
      service: 'chat',
      model: 'glm-5',
      model_type: 'text' as const,
      source: 'business' as const,
      input_tokens: 1,
      output_tokens: 1,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      latency_ms: 1,
      status: 'success' as const,
    };
    const result = validateCallEvent(event, NOW);
    expect(result).toEqual({
      ok: true,
      event: { ...event, occurred_at: '2016-12-31T23:59:59.999Z' },
      occurredAtMs: Date.parse('2016-12-31T23:59:59.999Z'),
    });
    const pricing = { ...UNPRICED_AMOUNTS, priceId: '', priced: false };
    expect(() => toCallEventRow(event, pricing, { partition: 0, offset: '0' })).not.toThrow();
    const row = toCallEventRow(result.ok ? result.event : event, pricing, { partition: 0, offset: '0' });
    expect(row.occurred_at).toBe('2016-12-31 23:59:59.999');
    expect(validateCallEvent({ ...event, occurred_at: '2026-01-01T12:00:00+05' }, NOW)).toEqual({
      ok: false,
      reason: 'occurred_at: offset must be ±hh:mm, not hours only',
    });
  });
});
