/**
 * One record per measure a rollup keeps: its raw column (if it has one of its own), the
 * rollup column's type, how a view fills it from raw events and from a finer rollup, and
 * whether dashboards may read it uncompressed. Column order in every table follows this list.
 */
export interface MeasureColumn {
  /** the rollup column (and the raw column, when `raw` is set) */
  readonly column: string;
  /** the raw column of the same name, for measures summed from one event field */
  readonly raw?: { readonly type: string; readonly after: string };
  /** the rollup column's type */
  readonly rollupType: string;
  /** a view on raw events: the aggregate over the event rows */
  readonly fromRaw: string;
  /** a view on a finer rollup: how that rollup's column merges into this one */
  readonly fromRollup: string;
  /** an aggregate state (large, dominated by merging): keeps the default codec in every table */
  readonly state: boolean;
  /** an exact decimal: its sums travel as text, not as a double */
  readonly decimal?: boolean;
}

const tokenSum = (column: string, after: string): MeasureColumn => ({
  column,
  raw: { type: 'UInt32', after },
  rollupType: 'SimpleAggregateFunction(sum, UInt64)',
  fromRaw: `sum(toUInt64(${column}))`,
  fromRollup: `sum(${column})`,
  state: false,
});

const decimalSum = (column: string, after: string): MeasureColumn => ({
  column,
  raw: { type: 'Decimal(38, 15)', after },
  rollupType: 'SimpleAggregateFunction(sum, Decimal(38, 15))',
  fromRaw: `sum(${column})`,
  fromRollup: `sum(${column})`,
  state: false,
  decimal: true,
});

const count = (column: string, fromRaw: string): MeasureColumn => ({
  column,
  rollupType: 'SimpleAggregateFunction(sum, UInt64)',
  fromRaw,
  fromRollup: `sum(${column})`,
  state: false,
});

export const LATENCY_QUANTILES = '0.5, 0.95, 0.99';

/** Every rollup measure, in column order. */
export const MEASURE_COLUMNS = {
  requests: count('requests', 'count()'),
  successes: count('successes', "countIf(status = 'success')"),
  errors: count('errors', "countIf(status = 'error')"),
  input_tokens: tokenSum('input_tokens', 'source'),
  output_tokens: tokenSum('output_tokens', 'input_tokens'),
  // a part of output_tokens (priced with them), counted on its own
  reasoning_tokens: tokenSum('reasoning_tokens', 'output_tokens'),
  cache_read_tokens: tokenSum('cache_read_tokens', 'reasoning_tokens'),
  cache_write_tokens: tokenSum('cache_write_tokens', 'cache_read_tokens'),
  cost: decimalSum('cost', 'request_id'),
  credits: decimalSum('credits', 'cost'),
  latency: {
    column: 'latency',
    rollupType: `AggregateFunction(quantilesTDigest(${LATENCY_QUANTILES}), UInt32)`,
    fromRaw: `quantilesTDigestState(${LATENCY_QUANTILES})(latency_ms)`,
    fromRollup: `quantilesTDigestMergeState(${LATENCY_QUANTILES})(latency)`,
    state: true,
  },
  // time to first token: only calls that recorded one (embeddings, images and failures often have none)
  ttft: {
    column: 'ttft',
    rollupType: `AggregateFunction(quantilesTDigest(${LATENCY_QUANTILES}), UInt32)`,
    fromRaw: `quantilesTDigestStateIf(${LATENCY_QUANTILES})(assumeNotNull(ttft_ms), isNotNull(ttft_ms))`,
    fromRollup: `quantilesTDigestMergeState(${LATENCY_QUANTILES})(ttft)`,
    state: true,
  },
  users: {
    column: 'users',
    rollupType: 'AggregateFunction(uniq, UUID)',
    fromRaw: 'uniqState(user_id)',
    // a rollup keyed by user has no state to merge: its user column is counted instead
    fromRollup: 'uniqMergeState(users)',
    state: true,
  },
} as const satisfies Record<string, MeasureColumn>;

export type MeasureColumnName = keyof typeof MEASURE_COLUMNS;

export const MEASURE_ORDER = Object.keys(MEASURE_COLUMNS) as MeasureColumnName[];

/** The quantile states (latency, time to first token): kept together wherever latency is kept. */
export const QUANTILE_STATES = ['latency', 'ttft'] as const satisfies readonly MeasureColumnName[];

/** What every rollup but the requests-only ones keeps (the `users` state only where no user column is kept). */
export const EVERY_SUM: readonly MeasureColumnName[] = MEASURE_ORDER.filter(
  (m) => m !== 'users' && !(QUANTILE_STATES as readonly MeasureColumnName[]).includes(m),
);
