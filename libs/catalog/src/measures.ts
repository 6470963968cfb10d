/**
 * One record per measure a rollup keeps: its raw column (if it has one of its own), the
 * rollup column's type, how a view fills it from raw events and from a finer rollup, and
 * whether dashboards may read it uncompressed. Column order in every table follows this list.
 *
 * A summed measure (`state: false`) is also read, shown and exported from this record alone:
 * its camelCase name (`reasoning_tokens` → `reasoningTokens`) is its read measure, its field of
 * the usage totals, UsageSummary and (for event fields) CallLog; its upper-case name is its
 * UsageMetric value; `csvAfter` places its column in the CSV export. See README.md: "Adding a measure".
 */
export interface MeasureColumn {
  /** the rollup column (and the raw column, when `raw` is set) */
  readonly column: string;
  /** the raw column of the same name, for measures summed from one event field or one pricing output */
  readonly raw?: { readonly type: RawMeasureType; readonly after: string; readonly from: 'event' | 'pricing' };
  /** the rollup column's type */
  readonly rollupType: string;
  /** a view on raw events: the aggregate over the event rows */
  readonly fromRaw: string;
  /** a view on a finer rollup: how that rollup's column merges into this one */
  readonly fromRollup: string;
  /**
   * a view on cost_adjustments (repricing): the money deltas summed, every count 0 and every state
   * empty, so an adjustment row changes amounts and nothing else
   */
  readonly fromAdjustment: string;
  /** an aggregate state (large, dominated by merging): keeps the default codec in every table */
  readonly state: boolean;
  /** an exact decimal: its sums travel as text, not as a double */
  readonly decimal?: boolean;
  /** an amount of the deployment's currency (cost and its line items; credits are not one) */
  readonly inCurrency?: boolean;
  /** summed measures: the CSV export's column it follows (null: the first measure column) */
  readonly csvAfter?: string | null;
  /** the GraphQL description of its UsageSummary and CallLog fields */
  readonly description?: string;
  /** summed measures: left out of the SQL relations (calls, usage_*) for ad hoc SQL */
  readonly hiddenFromSql?: boolean;
}

/** The raw column types a measure of its own can have (each with its value check at ingest). */
export type RawMeasureType = 'UInt32' | 'Decimal(38, 15)';

interface SummedOptions {
  /** the raw column it follows */
  after: string;
  csvAfter: string | null;
  description?: string;
  hiddenFromSql?: boolean;
  inCurrency?: true;
}

/** A token count of the event, summed: the event field, the raw column and the rollup column share its name. */
const tokenSum = (column: string, { after, ...options }: SummedOptions) => ({
  column,
  raw: { type: 'UInt32', after, from: 'event' } as const,
  rollupType: 'SimpleAggregateFunction(sum, UInt64)',
  fromRaw: `sum(toUInt64(${column}))`,
  fromRollup: `sum(${column})`,
  fromAdjustment: 'toUInt64(0)',
  state: false as const,
  ...options,
});

/** An exact amount computed at ingest by pricing, summed. */
const decimalSum = (column: string, { after, ...options }: SummedOptions) => ({
  column,
  raw: { type: 'Decimal(38, 15)', after, from: 'pricing' } as const,
  rollupType: 'SimpleAggregateFunction(sum, Decimal(38, 15))',
  fromRaw: `sum(${column})`,
  fromRollup: `sum(${column})`,
  fromAdjustment: `sum(${column})`,
  state: false as const,
  decimal: true as const,
  ...options,
});

const count = (column: string, fromRaw: string, csvAfter: string | null) => ({
  column,
  rollupType: 'SimpleAggregateFunction(sum, UInt64)',
  fromRaw,
  fromRollup: `sum(${column})`,
  fromAdjustment: 'toUInt64(0)',
  state: false as const,
  csvAfter,
});

export const LATENCY_QUANTILES = '0.5, 0.95, 0.99';

/** Every rollup measure, in column order. */
export const MEASURE_COLUMNS = {
  requests: count('requests', 'count()', null),
  successes: count('successes', "countIf(status = 'success')", 'requests'),
  errors: count('errors', "countIf(status = 'error')", 'successes'),
  input_tokens: tokenSum('input_tokens', { after: 'source', csvAfter: 'errors' }),
  output_tokens: tokenSum('output_tokens', { after: 'input_tokens', csvAfter: 'input_tokens' }),
  // a part of output_tokens (priced with them), counted on its own; added after the SQL relations' columns were set
  reasoning_tokens: tokenSum('reasoning_tokens', {
    after: 'output_tokens',
    csvAfter: 'credits',
    description: 'The part of outputTokens spent on reasoning',
    hiddenFromSql: true,
  }),
  cache_read_tokens: tokenSum('cache_read_tokens', { after: 'reasoning_tokens', csvAfter: 'output_tokens' }),
  cache_write_tokens: tokenSum('cache_write_tokens', { after: 'cache_read_tokens', csvAfter: 'cache_read_tokens' }),
  cost: decimalSum('cost', {
    after: 'request_id',
    csvAfter: 'total_tokens',
    description: 'Decimal string, exact',
    inCurrency: true,
  }),
  credits: decimalSum('credits', { after: 'cost', csvAfter: 'cost', description: 'Decimal string, exact' }),
  // cost by line item, priced at ingest with the cost: the four add up to cost exactly in every row
  input_cost: decimalSum('input_cost', {
    after: 'ingested_at',
    csvAfter: 'reasoning_tokens',
    description: 'The part of cost for input tokens read neither from nor into the cache: decimal string, exact',
    inCurrency: true,
  }),
  output_cost: decimalSum('output_cost', {
    after: 'input_cost',
    csvAfter: 'input_cost',
    description: 'The part of cost for output tokens: decimal string, exact',
    inCurrency: true,
  }),
  cache_read_cost: decimalSum('cache_read_cost', {
    after: 'output_cost',
    csvAfter: 'output_cost',
    description: 'The part of cost for cache reads: decimal string, exact',
    inCurrency: true,
  }),
  cache_write_cost: decimalSum('cache_write_cost', {
    after: 'cache_read_cost',
    csvAfter: 'cache_read_cost',
    description: 'The part of cost for cache writes: decimal string, exact',
    inCurrency: true,
  }),
  // calls of a model with no price in force at their time: costed 0, and said so
  unpriced_requests: {
    ...count('unpriced_requests', 'countIf(NOT priced)', 'cache_write_cost'),
    description: 'Calls of a model with no price at their time (costed 0)',
  },
  unpriced_tokens: {
    // qualified: in a view's SELECT the bare names are the aliases of the token sums
    ...count(
      'unpriced_tokens',
      'sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced)',
      'unpriced_requests',
    ),
    description: 'Input and output tokens of the unpriced calls',
  },
  latency: {
    column: 'latency',
    rollupType: `AggregateFunction(quantilesTDigest(${LATENCY_QUANTILES}), UInt32)`,
    fromRaw: `quantilesTDigestState(${LATENCY_QUANTILES})(latency_ms)`,
    fromRollup: `quantilesTDigestMergeState(${LATENCY_QUANTILES})(latency)`,
    fromAdjustment: `quantilesTDigestStateIf(${LATENCY_QUANTILES})(toUInt32(0), false)`,
    state: true,
  },
  // time to first token: only calls that recorded one (embeddings, images and failures often have none)
  ttft: {
    column: 'ttft',
    rollupType: `AggregateFunction(quantilesTDigest(${LATENCY_QUANTILES}), UInt32)`,
    fromRaw: `quantilesTDigestStateIf(${LATENCY_QUANTILES})(assumeNotNull(ttft_ms), isNotNull(ttft_ms))`,
    fromRollup: `quantilesTDigestMergeState(${LATENCY_QUANTILES})(ttft)`,
    fromAdjustment: `quantilesTDigestStateIf(${LATENCY_QUANTILES})(toUInt32(0), false)`,
    state: true,
  },
  users: {
    column: 'users',
    rollupType: 'AggregateFunction(uniq, UUID)',
    fromRaw: 'uniqState(user_id)',
    // a rollup keyed by user has no state to merge: its user column is counted instead
    fromRollup: 'uniqMergeState(users)',
    fromAdjustment: 'uniqStateIf(user_id, false)',
    state: true,
  },
} as const satisfies Record<string, MeasureColumn>;

export type MeasureColumnName = keyof typeof MEASURE_COLUMNS;

export const MEASURE_ORDER = Object.keys(MEASURE_COLUMNS) as MeasureColumnName[];

type Measures = typeof MEASURE_COLUMNS;

/** The measures that add up (counts, tokens, amounts): read, shown and exported as sums. */
export type SummedColumn = {
  [K in MeasureColumnName]: Measures[K]['state'] extends false ? K : never;
}[MeasureColumnName];
/** The summed measures with a raw column of their own. */
export type RawMeasureColumn = {
  [K in SummedColumn]: Measures[K] extends { raw: object } ? K : never;
}[SummedColumn];
/** The summed measures copied from an event field of the same name. */
export type EventMeasureColumn = {
  [K in SummedColumn]: Measures[K] extends { raw: { from: 'event' } } ? K : never;
}[SummedColumn];
/** The summed measures pricing computes at ingest (exact decimal text on the row). */
export type PricingMeasureColumn = {
  [K in SummedColumn]: Measures[K] extends { raw: { from: 'pricing' } } ? K : never;
}[SummedColumn];
/** The summed measures that are exact decimals (text in totals and GraphQL). */
export type DecimalColumn = { [K in SummedColumn]: Measures[K] extends { decimal: true } ? K : never }[SummedColumn];

/** `cache_read_tokens` → `cacheReadTokens`: the name reads, totals and GraphQL fields give a measure. */
export type CamelName<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelName<Tail>>}`
  : S;

export function camelName<S extends string>(column: S): CamelName<S> {
  return column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()) as CamelName<S>;
}

/** A summed measure's totals field: a number, or exact decimal text. */
export type SummedTotals = {
  [K in SummedColumn as CamelName<K>]: K extends DecimalColumn ? string : number;
};

/** The event's own counts, as CallLog shows them. */
export type EventMeasureValues = { [K in EventMeasureColumn as CamelName<K>]: number };

export const SUMMED_COLUMNS = MEASURE_ORDER.filter((m): m is SummedColumn => !MEASURE_COLUMNS[m].state);

export const EVENT_MEASURE_COLUMNS = SUMMED_COLUMNS.filter(
  (m): m is EventMeasureColumn => measureRecord(m).raw?.from === 'event',
);

export const PRICING_MEASURE_COLUMNS = SUMMED_COLUMNS.filter(
  (m): m is PricingMeasureColumn => measureRecord(m).raw?.from === 'pricing',
);

export function measureRecord(column: MeasureColumnName): MeasureColumn {
  return MEASURE_COLUMNS[column];
}

export function isDecimal(column: MeasureColumnName): boolean {
  return measureRecord(column).decimal === true;
}

/** Whether a measure is an amount of the deployment's currency (its answers name the currency). */
export function isCurrencyAmount(column: MeasureColumnName): boolean {
  return measureRecord(column).inCurrency === true;
}

/** What every rollup but the requests-only ones keeps (the `users` state only where no user column is kept). */
/** The quantile states (latency, time to first token): kept together wherever latency is kept. */
export const QUANTILE_STATES = ['latency', 'ttft'] as const satisfies readonly MeasureColumnName[];

export const EVERY_SUM: readonly MeasureColumnName[] = MEASURE_ORDER.filter(
  (m) => m !== 'users' && !(QUANTILE_STATES as readonly MeasureColumnName[]).includes(m),
);
