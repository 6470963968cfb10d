import { zoneOffsetMs } from '@app/analytics';
import type { BudgetPeriod } from '../persistence';

/** The UTC instant of local midnight on a local calendar date (month 0-based, day may overflow). */
function localMidnight(timeZone: string, year: number, month: number, day: number): number {
  const wall = Date.UTC(year, month, day);
  // the zone's offset at the instant itself, found by trying the offset around the wall time twice (DST edges)
  let instant = wall - zoneOffsetMs(timeZone, wall);
  instant = wall - zoneOffsetMs(timeZone, instant);
  return instant;
}

/**
 * The period a budget is counting at `now`, its boundaries in the budget's time zone: a local
 * day, an ISO week (Monday to Monday) or a calendar month.
 */
export function budgetPeriodAt(period: BudgetPeriod, timeZone: string, now: number): { start: Date; end: Date } {
  const local = new Date(now + zoneOffsetMs(timeZone, now));
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  if (period === 'DAY') {
    return { start: new Date(localMidnight(timeZone, y, m, d)), end: new Date(localMidnight(timeZone, y, m, d + 1)) };
  }
  if (period === 'WEEK') {
    const sinceMonday = (local.getUTCDay() + 6) % 7;
    return {
      start: new Date(localMidnight(timeZone, y, m, d - sinceMonday)),
      end: new Date(localMidnight(timeZone, y, m, d - sinceMonday + 7)),
    };
  }
  return { start: new Date(localMidnight(timeZone, y, m, 1)), end: new Date(localMidnight(timeZone, y, m + 1, 1)) };
}
