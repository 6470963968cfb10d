import { BadUserInputError } from '@app/errors';
import { RangePreset, TimeRangeInput } from './dto/usage-filter.input';

export interface ResolvedRange {
  from: Date;
  to: Date;
  timeZone: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const PRESET_LENGTH: Record<Exclude<RangePreset, RangePreset.TODAY>, number> = {
  [RangePreset.LAST_HOUR]: HOUR,
  [RangePreset.LAST_1_DAY]: DAY,
  [RangePreset.LAST_3_DAYS]: 3 * DAY,
  [RangePreset.LAST_7_DAYS]: 7 * DAY,
  [RangePreset.LAST_14_DAYS]: 14 * DAY,
  [RangePreset.LAST_30_DAYS]: 30 * DAY,
};

export function assertTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    throw new BadUserInputError(`timeZone: unknown IANA time zone ${JSON.stringify(timeZone)}`);
  }
}

// building a formatter costs far more than using one, and bucket arithmetic asks per bucket
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = FORMATTERS.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    FORMATTERS.set(timeZone, formatter);
  }
  return formatter;
}

/** Offset of `timeZone` from UTC at instant `at`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(timeZone: string, at: number): number {
  if (timeZone === 'UTC') return 0;
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** Midnight of the local day containing `at`, as a UTC instant. */
export function startOfZonedDay(timeZone: string, at: number): number {
  const offset = zoneOffsetMs(timeZone, at);
  const localMidnight = Math.floor((at + offset) / DAY) * DAY;
  // the offset at midnight may differ from the offset at `at` (DST change during the day)
  return localMidnight - zoneOffsetMs(timeZone, localMidnight - offset);
}

/**
 * LAST_HOUR ends at the next whole minute; the other presets end at the next whole UTC hour.
 * Both hold now. A window of a day or more that ends where the hour rollups do is answered
 * without reading raw events for its last, densest, partial hour (1M events at 100M a month)
 * nor for its first. TODAY starts at midnight in the caller's zone.
 */
export function resolveRange(range: TimeRangeInput, now: number = Date.now()): ResolvedRange {
  const timeZone = assertTimeZone(range.timeZone ?? 'UTC');
  if (range.preset) {
    if (range.from || range.to) throw new BadUserInputError('range: give either preset or from/to, not both');
    const step = range.preset === RangePreset.LAST_HOUR ? MINUTE : HOUR;
    const to = Math.ceil((now + 1) / step) * step;
    const from = range.preset === RangePreset.TODAY ? startOfZonedDay(timeZone, now) : to - PRESET_LENGTH[range.preset];
    return { from: new Date(from), to: new Date(to), timeZone };
  }
  if (!range.from || !range.to) throw new BadUserInputError('range: needs a preset, or both from and to');
  if (range.from.getTime() >= range.to.getTime()) throw new BadUserInputError('range: from must be before to');
  return { from: range.from, to: range.to, timeZone };
}
