import { UsageDimension } from './usage-enums';
import { camelName, CamelName, MeasureColumnName, SUMMED_COLUMNS, SummedColumn } from './measures';
import type { RollupTable } from './tables';

/**
 * What a read computes besides the request count. Every measure left out is a column neither
 * read nor summed (a raw edge otherwise sums two Decimal128 columns per event); the aggregate
 * states (latency t-digests, uniq users) are the costliest to merge.
 */
interface ReadMeasureRecord {
  /** the rollup column it sums or merges */
  readonly column: MeasureColumnName;
  /** a table keyed by this dimension answers it without the column (distinct users counted from user_id) */
  readonly orKeyedBy?: UsageDimension;
  /** a table must also be keyed by this dimension (calls by source count requests per source) */
  readonly keyedBy?: UsageDimension;
}

/** Every summed measure but the request count (which every read returns) is read under its camelCase name. */
type SummedRead = Exclude<SummedColumn, 'requests'>;

const SUMMED_READS = Object.fromEntries(
  SUMMED_COLUMNS.filter((m): m is SummedRead => m !== 'requests').map((m) => [camelName(m), { column: m }]),
) as { [K in SummedRead as CamelName<K>]: { column: K } };

export const READ_MEASURES = {
  ...SUMMED_READS,
  callsBySource: { column: 'requests', keyedBy: UsageDimension.SOURCE },
  latency: { column: 'latency' },
  ttft: { column: 'ttft' },
  activeUsers: { column: 'users', orKeyedBy: UsageDimension.USER },
} as const satisfies Record<string, ReadMeasureRecord>;

export type Measure = keyof typeof READ_MEASURES;

/** The read measures that are a summed catalogue column, read under its camelCase name. */
export type SummedMeasure = CamelName<SummedRead>;

export const ALL_MEASURES: ReadonlySet<Measure> = new Set(Object.keys(READ_MEASURES) as Measure[]);

/** Whether a rollup keeps what a read needs to compute this measure. */
export function rollupHolds(table: RollupTable, measure: Measure): boolean {
  const record: ReadMeasureRecord = READ_MEASURES[measure];
  // the requests-only tables (a breakdown's model lists) answer request counts and nothing else
  if (table.measures.every((m) => m === 'requests')) return false;
  if (record.keyedBy && !table.dimensions.includes(record.keyedBy)) return false;
  if (record.orKeyedBy && table.dimensions.includes(record.orKeyedBy)) return true;
  return table.measures.includes(record.column);
}
