import {
  COST_ADJUSTMENTS,
  isDecimal,
  LATENCY_QUANTILES,
  MEASURE_COLUMNS,
  Measure,
  MeasureColumnName,
  RAW_TABLE,
  READ_MEASURES,
  ReadTableName,
  rollupTable,
  SummedColumn,
} from '@app/catalog';

type AdditiveMeasure = Exclude<Measure, 'latency' | 'ttft' | 'activeUsers'>;

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

/**
 * A catalogue column summed: events by its raw aggregate, rollups by summing; exact decimals total as
 * text, and over raw events they add what repricing changed on each event (see repricedRawSource).
 */
function columnSum(name: SummedColumn): AdditiveColumns {
  const { column, fromRaw } = MEASURE_COLUMNS[name];
  const decimal = isDecimal(name);
  const output = summedOutput(name);
  return {
    raw: decimal
      ? `sum(${RAW_TABLE.name}.${column} + ${REPRICED}.${column}_delta) AS s_${column}`
      : `${fromRaw} AS s_${column}`,
    rollup: () => `sum(${column}) AS s_${column}`,
    rollupRow: () => `${column} AS s_${column}`,
    total: decimal ? `toString(sum(s_${column})) AS ${output}` : `sum(s_${column}) AS ${output}`,
    outputs: [output],
  };
}

const REQUESTS = columnSum('requests');

/** The alias of the repricing deltas joined to raw events. */
const REPRICED = 'repriced';

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
  (m): m is AdditiveMeasure => m !== 'latency' && m !== 'ttft' && m !== 'activeUsers',
);

export function additiveColumns(measures: ReadonlySet<Measure>): AdditiveColumns[] {
  return [
    REQUESTS,
    ...ADDITIVE_MEASURES.filter((m) => measures.has(m)).map((m) =>
      m === 'callsBySource' ? CALLS_BY_SOURCE : columnSum(READ_MEASURES[m].column),
    ),
  ];
}

/**
 * What a read over raw events reads from: the events, and when it sums exact amounts, what
 * repricing runs changed on each of them (cost_adjustments by event, under the read's own WHERE:
 * the deltas carry the event's dimension columns), as the rollups hold them through their views.
 */
export function repricedRawSource(measures: ReadonlySet<Measure>, where: string): string {
  const amounts = ADDITIVE_MEASURES.filter((m) => measures.has(m) && m !== 'callsBySource')
    .map((m) => READ_MEASURES[m as Exclude<AdditiveMeasure, 'callsBySource'>].column)
    .filter(isDecimal);
  if (amounts.length === 0) return RAW_TABLE.name;
  const deltas = amounts.map((c) => `sum(${c}) AS ${c}_delta`).join(', ');
  return (
    `${RAW_TABLE.name} LEFT JOIN (SELECT event_id, ${deltas} FROM ${COST_ADJUSTMENTS.name} ` +
    `WHERE ${where} GROUP BY event_id) AS ${REPRICED} USING (event_id)`
  );
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

const Q = `(${LATENCY_QUANTILES})`;

/** A measure read as quantiles: its final over raw events, its rollup column, and the name of its answer. */
interface QuantileRead {
  measure: Extract<Measure, 'latency' | 'ttft'>;
  column: Extract<MeasureColumnName, 'latency' | 'ttft'>;
  rawFinal: string;
  output: string;
}

const QUANTILE_READS: readonly QuantileRead[] = [
  { measure: 'latency', column: 'latency', rawFinal: `quantilesTDigest${Q}(latency_ms)`, output: 'latency_q' },
  // calls without a time to first token are left out (an empty digest answers NaN: null in JSON)
  {
    measure: 'ttft',
    column: 'ttft',
    rawFinal: `quantilesTDigestIf${Q}(assumeNotNull(ttft_ms), isNotNull(ttft_ms))`,
    output: 'ttft_q',
  },
];

/** The names of the quantile answers a read returns, in column order. */
export function quantileOutputs(measures: ReadonlySet<Measure>): string[] {
  return QUANTILE_READS.filter((q) => measures.has(q.measure)).map((q) => q.output);
}

/** Final values of a table read alone: exact distinct users where the table has a user column. */
export function finals(table: ReadTableName, measures: ReadonlySet<Measure>): string[] {
  const out: string[] = [];
  if (measures.has('activeUsers'))
    out.push(`${keepsUserState(table) ? 'uniqMerge(users)' : 'uniqExact(user_id)'} AS f_users`);
  for (const q of QUANTILE_READS.filter((r) => measures.has(r.measure))) {
    const final = table === 'call_events' ? q.rawFinal : `quantilesTDigestMerge${Q}(${q.column})`;
    out.push(`${final} AS f_${q.column}`);
  }
  return out;
}

/** Mergeable states of a table, for a plan of several segments. */
export function states(table: ReadTableName, measures: ReadonlySet<Measure>): string[] {
  const out: string[] = [];
  if (measures.has('activeUsers')) {
    out.push(`${keepsUserState(table) ? 'uniqMergeState(users)' : 'uniqState(user_id)'} AS s_users`);
  }
  for (const q of QUANTILE_READS.filter((r) => measures.has(r.measure))) {
    const { fromRaw, fromRollup } = MEASURE_COLUMNS[q.column];
    out.push(`${table === 'call_events' ? fromRaw : fromRollup} AS s_${q.column}`);
  }
  return out;
}

/** Final merges over the states of several segments. */
export function mergedStates(measures: ReadonlySet<Measure>): string[] {
  return [
    ...(measures.has('activeUsers') ? ['uniqMerge(s_users) AS active_users'] : []),
    ...QUANTILE_READS.filter((q) => measures.has(q.measure)).map(
      (q) => `quantilesTDigestMerge${Q}(s_${q.column}) AS ${q.output}`,
    ),
  ];
}

/** The finals of one segment's groups passed through its outer level (one row per group already). */
export function passedFinals(measures: ReadonlySet<Measure>): string[] {
  return [
    ...(measures.has('activeUsers') ? ['any(f_users) AS active_users'] : []),
    ...QUANTILE_READS.filter((q) => measures.has(q.measure)).map((q) => `any(f_${q.column}) AS ${q.output}`),
  ];
}

/** Whether a read computes an aggregate state (distinct users, quantiles), which rollup rows cannot just be summed into. */
export function mergesStates(measures: ReadonlySet<Measure>): boolean {
  return measures.has('activeUsers') || QUANTILE_READS.some((q) => measures.has(q.measure));
}
