import { Granularity } from '@app/catalog';
import { zoneOffsetMs } from '../time-range';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The granularities of a fixed length; days (23 to 25 hours) and months follow the zone's calendar. */
type FixedGranularity = Exclude<Granularity, Granularity.DAY | Granularity.MONTH>;

export const GRANULARITY_MS: Record<FixedGranularity, number> = {
  [Granularity.MINUTE]: MINUTE,
  [Granularity.FIVE_MINUTES]: 5 * MINUTE,
  [Granularity.HOUR]: HOUR,
};

/** Bucket start instants (UTC ms) covering [from, to) in `timeZone`; the first may start before `from`. */
export function bucketStarts(from: number, to: number, granularity: Granularity, timeZone: string): number[] {
  const starts: number[] = [];
  let b = bucketStart(from, granularity, timeZone);
  while (b < to) {
    starts.push(b);
    b = nextBucket(b, granularity, timeZone);
  }
  return starts;
}

export function bucketStart(at: number, granularity: Granularity, timeZone: string): number {
  const offset = zoneOffsetMs(timeZone, at);
  if (granularity === Granularity.DAY || granularity === Granularity.MONTH) {
    let localMidnight = Math.floor((at + offset) / DAY) * DAY;
    if (granularity === Granularity.MONTH) {
      const local = new Date(localMidnight);
      localMidnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1);
    }
    return localMidnight - zoneOffsetMs(timeZone, localMidnight - offset);
  }
  const size = GRANULARITY_MS[granularity];
  return at - ((((at + offset) % size) + size) % size);
}

function nextBucket(start: number, granularity: Granularity, timeZone: string): number {
  // a local month lasts 28 to 31 days give or take an hour: the next one is the month 32 days on
  if (granularity === Granularity.MONTH) return bucketStart(start + 32 * DAY, Granularity.MONTH, timeZone);
  if (granularity !== Granularity.DAY) return start + GRANULARITY_MS[granularity];
  // a local day lasts 23 to 25 hours; the next midnight is the start of the day 30 hours on
  return bucketStart(start + 30 * HOUR, Granularity.DAY, timeZone);
}

export function bucketMinutes(start: number, granularity: Granularity, timeZone: string): number {
  return (nextBucket(start, granularity, timeZone) - start) / MINUTE;
}
