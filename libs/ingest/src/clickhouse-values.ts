import { measureRecord, RawMeasureColumn, RawMeasureType, SUMMED_COLUMNS } from '@app/catalog';
import { CALL_EVENT_COLUMNS, CallEventRow } from './call-event-row';

/**
 * What ClickHouse accepts in each call_events column (the catalogue's raw table), checked per row
 * before an insert: one value ClickHouse refuses fails the whole insert, and the retry after it
 * fails again, so a row that would not be accepted must become a DLQ reason instead.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** ClickHouse's UUID text: 8-4-4-4-12 hex digits, nothing around them. */
export const PLAIN_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** DateTime64(3) text; the type holds years 1900-2299. */
const DATETIME64_3 = /^(\d{4})-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;
/** Decimal(38, 15): at most 23 integer and 15 fractional digits. */
const DECIMAL_38_15 = /^\d{1,23}(?:\.\d{1,15})?$/;
const UINT32_MAX = 2 ** 32 - 1;
const UINT64_MAX = 2n ** 64n - 1n;

/** JSON can carry a lone UTF-16 surrogate (`"\ud800"`); it is not Unicode and ClickHouse refuses it. */
export function isWellFormedUnicode(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function textProblem(value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== 'string') return 'not a string';
  if (!isWellFormedUnicode(value)) return 'not well-formed Unicode';
  const length = codePoints(value);
  if (length < min || length > max) return `length ${length} outside ${min}-${max}`;
  return undefined;
}

function uintProblem(value: unknown, max: number): string | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return 'not an integer';
  return value < 0 || value > max ? `${value} outside 0-${max}` : undefined;
}

function dateTimeProblem(value: unknown): string | undefined {
  const match = typeof value === 'string' ? DATETIME64_3.exec(value) : null;
  if (!match) return 'not DateTime64(3) text';
  const year = Number(match[1]);
  return year < 1900 || year > 2299 ? `year ${year} outside DateTime64's 1900-2299` : undefined;
}

function offsetProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value) || BigInt(value) > UINT64_MAX) return 'not a UInt64';
  return undefined;
}

const nullable = (check: (v: unknown) => string | undefined) => (value: unknown) =>
  value === null ? undefined : check(value);

type Check = (value: unknown) => string | undefined;

const decimalProblem: Check = (v) =>
  typeof v === 'string' && DECIMAL_38_15.test(v) ? undefined : 'not a Decimal(38, 15)';

/** The check of each type a catalogue measure's raw column can have. */
const MEASURE_TYPE_CHECKS: Record<RawMeasureType, Check> = {
  UInt32: (v) => uintProblem(v, UINT32_MAX),
  'Decimal(38, 15)': decimalProblem,
};

/** A catalogue measure's raw column is checked by its type. */
const MEASURE_CHECKS = Object.fromEntries(
  SUMMED_COLUMNS.flatMap((m) => {
    const { raw } = measureRecord(m);
    return raw ? [[m, MEASURE_TYPE_CHECKS[raw.type]]] : [];
  }),
) as Record<RawMeasureColumn, Check>;

const COLUMN_CHECKS: { [K in keyof CallEventRow]: Check } = {
  ...MEASURE_CHECKS,
  event_id: (v) => textProblem(v, 1, 64),
  occurred_at: dateTimeProblem,
  team_id: (v) => (typeof v === 'string' && PLAIN_UUID.test(v) ? undefined : 'not a UUID'),
  user_id: (v) => (typeof v === 'string' && PLAIN_UUID.test(v) ? undefined : 'not a UUID'),
  api_key_id: (v) => (typeof v === 'string' && PLAIN_UUID.test(v) ? undefined : 'not a UUID'),
  service: (v) => textProblem(v, 1, 128),
  model: (v) => textProblem(v, 1, 128),
  model_type: (v) => textProblem(v, 1, 32),
  source: (v) => textProblem(v, 1, 32),
  latency_ms: (v) => uintProblem(v, UINT32_MAX),
  ttft_ms: nullable((v) => uintProblem(v, UINT32_MAX)),
  status: (v) => textProblem(v, 1, 32),
  http_status: nullable((v) => uintProblem(v, 65_535)),
  error_code: nullable((v) => textProblem(v, 0, 128)),
  tags: (v) => {
    if (!Array.isArray(v)) return 'not an array';
    if (v.length > 16) return `${v.length} items, at most 16`;
    for (const tag of v) {
      const problem = textProblem(tag, 1, 64);
      if (problem) return `a tag: ${problem}`;
    }
    return undefined;
  },
  request_id: nullable((v) => textProblem(v, 0, 128)),
  price_id: (v) => textProblem(v, 0, 64),
  priced: (v) => (typeof v === 'boolean' ? undefined : 'not a boolean'),
  is_test: (v) => (typeof v === 'boolean' ? undefined : 'not a boolean'),
  kafka_partition: (v) => uintProblem(v, UINT32_MAX),
  kafka_offset: offsetProblem,
  origin: (v) => (v === 'live' || v === 'replay' ? undefined : "not 'live' or 'replay'"),
};

/** The first column of `row` ClickHouse would refuse, as `row.<column>: <why>`, or undefined. */
export function clickHouseRowProblem(row: CallEventRow): string | undefined {
  for (const column of CALL_EVENT_COLUMNS) {
    const problem = COLUMN_CHECKS[column](row[column]);
    if (problem) return `row.${column}: ${problem}`;
  }
  return undefined;
}
