import { zoneOffsetMs } from '@app/analytics';
import { BadUserInputError } from '@app/errors';

/**
 * How far behind now a ledger cut (a period close, a repricing's `as_of`) is taken. A raw row's
 * ingested_at is stamped when the engine reads the insert, and the row becomes visible when the
 * insert (raw and its views) is done, so a row stamped just before now may not be readable yet;
 * a cut 10 s back (a chunk of 5,000 events is written in well under a second) holds only rows
 * that are all visible, and everything stamped after it is, by definition, after the cut.
 */
export const LEDGER_SETTLE_MS = 10_000;

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A calendar month `YYYY-MM` in a time zone: its first local midnight and the next month's, as UTC instants. */
export function periodBounds(period: string, timeZone: string): { start: number; end: number } {
  const match = PERIOD.exec(period);
  if (!match) throw new BadUserInputError(`period: a month as YYYY-MM, got ${JSON.stringify(period)}`);
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  if (year < 2000) throw new BadUserInputError('period: no event is older than 2000');
  return { start: localMidnight(timeZone, year, month, 1), end: localMidnight(timeZone, year, month + 1, 1) };
}

/** The UTC instant of local midnight on a local calendar date (month 0-based and may overflow). */
function localMidnight(timeZone: string, year: number, month: number, day: number): number {
  const wall = Date.UTC(year, month, day);
  // the offset at the instant itself: tried around the wall time twice (DST edges)
  let instant = wall - zoneOffsetMs(timeZone, wall);
  instant = wall - zoneOffsetMs(timeZone, instant);
  return instant;
}
