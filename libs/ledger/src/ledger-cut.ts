import { zoneOffsetMs } from '@app/analytics';
import { BadUserInputError } from '@app/errors';

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
