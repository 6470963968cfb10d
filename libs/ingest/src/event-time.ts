/**
 * The one rule for an event's `occurred_at`, used by the HTTP intake (through the validator)
 * and by the worker (validator and row builder), so both read a time the same way.
 *
 * ajv's `date-time` format follows RFC 3339 loosely and accepts texts JavaScript cannot turn into
 * an instant (a leap second, an hour-only offset): such an event passed intake and then threw in
 * the worker on every attempt. The rule, case by case:
 * - grammar: `YYYY-MM-DD`, `T`/`t` or one space, `hh:mm:ss`, an optional `.` and 1+ digits,
 *   then `Z`/`z` or an offset `±hh:mm` or `±hhmm`; nothing before or after. Lowercase `t`/`z`
 *   and the space are RFC 3339 §5.6 variants and read like `T`/`Z`.
 * - an hour-only offset (`+05`) is refused: RFC 3339 has none and `Date.parse` reads none.
 * - offsets up to ±23:59 are read as written; `-00:00` (RFC 3339: offset unknown) reads as UTC.
 * - fractions of more than 3 digits are truncated to milliseconds, as `Date.parse` does
 *   (rounding could carry into the next second, minute or day).
 * - month 01-12, a day that exists in that month (29 February only in leap years), hour 00-23
 *   (`24:00:00` is refused), minute 00-59, second 00-59.
 * - second 60 is a leap second only at 23:59 in UTC (what ajv accepts); it is normalised to
 *   `hh:mm:59.999` of the same date with the same offset, its fraction dropped, because
 *   JavaScript and ClickHouse have no 61st second. Any other second 60 is refused.
 * - the instant is computed here, then must equal what `Date.parse` reads from the normalised
 *   text, and lie within what a JavaScript Date represents; otherwise the time is refused.
 * - year 0000 and anything before 2000-01-01 is refused by `readOccurredAt`'s bounds, as is a
 *   time more than 5 minutes after now.
 */

export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
export const EARLIEST_OCCURRED_AT_MS = Date.UTC(2000, 0, 1);
/** ECMAScript's Date range: ±100,000,000 days around 1970. */
const MAX_DATE_MS = 8.64e15;

export type EventTime =
  | {
      ok: true;
      /** milliseconds since 1970 UTC */
      epochMs: number;
      /** the text as written, a leap second replaced by `59.999` */
      text: string;
      leapSecond: boolean;
    }
  | { ok: false; reason: string };

const GRAMMAR = /^(\d{4})-(\d{2})-(\d{2})([Tt ])(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const refuse = (why: string): EventTime => ({ ok: false, reason: `occurred_at: ${why}` });

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function utcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number {
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** Reads an RFC 3339 time by the rule above, without bounds. */
export function parseEventTime(text: unknown): EventTime {
  if (typeof text !== 'string') return refuse('must be a string');
  const m = GRAMMAR.exec(text);
  if (!m) {
    if (/[+-]\d{2}$/.test(text) && GRAMMAR.test(`${text}:00`)) return refuse('offset must be ±hh:mm, not hours only');
    return refuse('must be an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.fff]Z or ±hh:mm)');
  }
  const [, y, mo, d, separator, h, mi, s, fraction, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12) return refuse('month must be 01-12');
  const daysInMonth = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > daysInMonth) return refuse(`day must be 01-${daysInMonth} in that month`);
  if (hour > 23) return refuse('hour must be 00-23');
  if (minute > 59) return refuse('minute must be 00-59');

  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const [, sign, oh, om] = OFFSET.exec(zone)!;
    if (Number(oh) > 23 || Number(om) > 59) return refuse('offset must be within ±23:59');
    offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  }

  let leapSecond = false;
  let millis = fraction ? Number(fraction.slice(1, 4).padEnd(3, '0')) : 0;
  let normalised = text;
  if (second === 60) {
    const utcMinuteOfDay = (((hour * 60 + minute - offsetMinutes) % 1440) + 1440) % 1440;
    if (utcMinuteOfDay !== 23 * 60 + 59) return refuse('second 60 is a leap second only at 23:59 UTC');
    leapSecond = true;
    millis = 999;
    normalised = `${y}-${mo}-${d}${separator}${h}:${mi}:59.999${zone}`;
  } else if (second > 59) {
    return refuse('second must be 00-59 (60 only for a leap second)');
  }

  const epochMs = utcMs(year, month, day, hour, minute, leapSecond ? 59 : second, millis) - offsetMinutes * 60_000;
  if (!Number.isFinite(epochMs) || Math.abs(epochMs) > MAX_DATE_MS)
    return refuse('outside the range of a JavaScript Date');
  // whoever reads the text later with Date.parse (JavaScript clients, replays) must get this instant
  if (Date.parse(normalised) !== epochMs) return refuse('not read as the same instant by Date.parse');
  return { ok: true, epochMs, text: normalised, leapSecond };
}

/** `parseEventTime` plus the contract's bounds: not before 2000, not more than 5 minutes ahead of `now`. */
export function readOccurredAt(text: unknown, now: number): EventTime {
  const time = parseEventTime(text);
  if (!time.ok) return time;
  if (time.epochMs > now + MAX_FUTURE_SKEW_MS) return refuse('more than 5 minutes in the future');
  if (time.epochMs < EARLIEST_OCCURRED_AT_MS) return refuse('before 2000-01-01');
  return time;
}

/** The instant of an `occurred_at` that passed validation; throws (with the reason) on one that did not. */
export function occurredAtMs(text: string): number {
  const time = parseEventTime(text);
  if (!time.ok) throw new RangeError(time.reason);
  return time.epochMs;
}
