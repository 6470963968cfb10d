import { isDecimal, MEASURE_COLUMNS, MEASURE_ORDER } from './measures';
import { SupportTable } from './support-tables';
import { Column, RAW_TABLE, rawColumns, ROLLUP_TABLES, RollupTable } from './tables';

/** Raw columns an adjustment row leaves out: the event's counts and latencies, and the ingest path's bookkeeping. */
const NOT_ADJUSTED = new Set(['latency_ms', 'ttft_ms', 'price_id', 'priced', 'kafka_partition', 'kafka_offset']);
/** ...and what only says how the event came in, or that it is a test call (repricing skips those: no rollup holds them). */
const ENGINE_OR_ORIGIN = new Set(['ingested_at', 'origin', 'is_test']);

/** The raw columns an adjustment row copies from its event: identity, dimensions and time. */
function copiedRawColumns(): Column[] {
  const counts = new Set(
    MEASURE_ORDER.filter((m) => !MEASURE_COLUMNS[m].state && !isDecimal(m)).map((m) => MEASURE_COLUMNS[m].column),
  );
  return rawColumns()
    .filter((c) => !counts.has(c.name) && !NOT_ADJUSTED.has(c.name) && !ENGINE_OR_ORIGIN.has(c.name))
    .map(({ hiddenFromSql: _, ...column }) => column);
}

/** The money columns of an adjustment row (cost, credits, every decimal measure): deltas, not amounts. */
export const ADJUSTED_MONEY_COLUMNS: readonly string[] = MEASURE_ORDER.filter(isDecimal).map(
  (m) => MEASURE_COLUMNS[m].column,
);

/**
 * One row per repriced event and repricing run: the event's dimension columns (copied from raw)
 * and the money deltas (new amount − the amount raw and earlier runs hold). Views generated from
 * the catalogue sum the deltas into every rollup fed by raw (the coarser ones get them through their
 * own views), with counts 0, so every rollup read includes a repricing with no reader change.
 */
export const COST_ADJUSTMENTS: SupportTable = {
  name: 'cost_adjustments',
  why:
    'Repricing deltas, one row per repriced event and run (same columns as the raw event, money columns ' +
    'holding new − old). Views sum them into the rollups fed by raw; raw reads add them by event_id. Kept ' +
    'as long as raw: a repricing reaches only events raw still holds.',
  columns: [
    { name: 'reprice_id', type: 'String' },
    ...copiedRawColumns(),
    { name: 'price_id', type: 'String' },
    { name: 'adjusted_at', type: "DateTime64(3, 'UTC')", default: 'now64(3)' },
  ],
  engine: 'MergeTree',
  partitionBy: RAW_TABLE.partitionBy,
  orderBy: ['toStartOfHour(occurred_at)', 'team_id', 'event_id'],
  ttl: RAW_TABLE.ttl,
  skipIndexes: [{ name: 'idx_event_id', expression: 'event_id', type: 'bloom_filter(0.001)', granularity: 4 }],
  settings: ['non_replicated_deduplication_window = 10000'],
  shardingKey: 'cityHash64(team_id)',
};

/** The rollups a repricing reaches through a view of their own: those fed by raw that keep the money sums. */
export function adjustedRollups(): RollupTable[] {
  return ROLLUP_TABLES.filter((t) => t.feed === 'call_events' && t.measures.includes('cost'));
}
