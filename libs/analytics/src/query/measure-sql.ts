import {
  isDecimal,
  LATENCY_QUANTILES,
  MEASURE_COLUMNS,
  Measure,
  READ_MEASURES,
  ReadTableName,
  rollupTable,
  SummedColumn,
} from '@app/catalog';

type AdditiveMeasure = Exclude<Measure, 'latency' | 'activeUsers'>;

/**
 * Per additive measure: its sums over raw events, over a rollup, or a rollup's rows as they are
 * (aliased s_*, summed by the outer level), and the final sums.
 */
export interface AdditiveColumns {
  raw: string;
  rollup: (table: ReadTableName) => string;
  rollupRow: (table: ReadTableName) => string;
  total: string;
  /** the names `total` gives its sums */
  outputs: string[];
}

/** The name a read gives a summed measure's total: exact decimals (totalled as text) get `_total`. */
export function summedOutput(name: SummedColumn): string {
  return isDecimal(name) ? `${name}_total` : name;
}

/** A catalogue column summed: events by its raw aggregate, rollups by summing; exact decimals total as text. */
function columnSum(name: SummedColumn): AdditiveColumns {
  const { column, fromRaw } = MEASURE_COLUMNS[name];
  const decimal = isDecimal(name);
  const output = summedOutput(name);
  return {
    raw: `${fromRaw} AS s_${column}`,
    rollup: () => `sum(${column}) AS s_${column}`,
    rollupRow: () => `${column} AS s_${column}`,
    total: decimal ? `toString(sum(s_${column})) AS ${output}` : `sum(s_${column}) AS ${output}`,
    outputs: [output],
  };
}

const REQUESTS = columnSum('requests');

/** Requests split by the event's origin (business or internal), from the source column. */
const CALLS_BY_SOURCE: AdditiveColumns = {
  raw: "countIf(source = 'business') AS s_business, countIf(source = 'internal') AS s_internal",
  rollup: (table) =>
    `sumIf(${table}.requests, source = 'business') AS s_business, ` +
    `sumIf(${table}.requests, source = 'internal') AS s_internal`,
  rollupRow: (table) =>
    `${table}.requests * (source = 'business') AS s_business, ` +
    `${table}.requests * (source = 'internal') AS s_internal`,
  total: 'sum(s_business) AS business, sum(s_internal) AS internal',
  outputs: ['business', 'internal'],
};

const ADDITIVE_MEASURES = (Object.keys(READ_MEASURES) as Measure[]).filter(
  (m): m is AdditiveMeasure => m !== 'latency' && m !== 'activeUsers',
);

export function additiveColumns(measures: ReadonlySet<Measure>): AdditiveColumns[] {
  return [
    REQUESTS,
    ...ADDITIVE_MEASURES.filter((m) => measures.has(m)).map((m) =>
      m === 'callsBySource' ? CALLS_BY_SOURCE : columnSum(READ_MEASURES[m].column),
    ),
  ];
}

/** The additive sums of one table, or a rollup's rows as they are. */
export function additive(table: ReadTableName, measures: ReadonlySet<Measure>, rows: boolean): string {
  return additiveColumns(measures)
    .map((c) => (table === 'call_events' ? c.raw : rows ? c.rollupRow(table) : c.rollup(table)))
    .join(', ');
}

/** Rollups without a user column keep a uniq state of the users instead. */
function keepsUserState(table: ReadTableName): boolean {
  return table !== 'call_events' && rollupTable(table).measures.includes('users');
}

const LATENCY = `(${LATENCY_QUANTILES})`;

/** Final values of a table read alone: exact distinct users where the table has a user column. */
export function finals(table: ReadTableName, measures: ReadonlySet<Measure>): string[] {
  const out: string[] = [];
  if (measures.has('activeUsers'))
    out.push(`${keepsUserState(table) ? 'uniqMerge(users)' : 'uniqExact(user_id)'} AS f_users`);
  if (measures.has('latency')) {
    const latency =
      table === 'call_events' ? `quantilesTDigest${LATENCY}(latency_ms)` : `quantilesTDigestMerge${LATENCY}(latency)`;
    out.push(`${latency} AS f_latency`);
  }
  return out;
}

/** Mergeable states of a table, for a plan of several segments. */
export function states(table: ReadTableName, measures: ReadonlySet<Measure>): string[] {
  const out: string[] = [];
  if (measures.has('activeUsers')) {
    out.push(`${keepsUserState(table) ? 'uniqMergeState(users)' : 'uniqState(user_id)'} AS s_users`);
  }
  if (measures.has('latency')) {
    const latency =
      table === 'call_events'
        ? `quantilesTDigestState${LATENCY}(latency_ms)`
        : `quantilesTDigestMergeState${LATENCY}(latency)`;
    out.push(`${latency} AS s_latency`);
  }
  return out;
}

/** Final merges over the states of several segments. */
export function mergedStates(measures: ReadonlySet<Measure>): string[] {
  return [
    ...(measures.has('activeUsers') ? ['uniqMerge(s_users) AS active_users'] : []),
    ...(measures.has('latency') ? [`quantilesTDigestMerge${LATENCY}(s_latency) AS latency_q`] : []),
  ];
}

/** The finals of one segment's groups passed through its outer level (one row per group already). */
export function passedFinals(measures: ReadonlySet<Measure>): string[] {
  return [
    ...(measures.has('activeUsers') ? ['any(f_users) AS active_users'] : []),
    ...(measures.has('latency') ? ['any(f_latency) AS latency_q'] : []),
  ];
}
