import { dimensionValue, DIMENSIONS, GRAIN_COLUMN, ReadTableName, rollupTable } from '@app/catalog';
import { UsageFilterInput } from '../dto/usage-filter.input';

/**
 * The raw table's sort key starts with toStartOfHour(occurred_at), and the engine does not
 * derive a bound on it from a bound on a DateTime64 (measured: the last hour read 1,057 of
 * 1,057 granules with the occurred_at bounds alone, 18 with these), so raw reads state the
 * hours too.
 */
export const RAW_HOUR_BOUNDS = (fromParam: string, toParam?: string): string[] => [
  `toStartOfHour(occurred_at) >= toStartOfHour(fromUnixTimestamp64Milli({${fromParam}:Int64}))`,
  ...(toParam ? [`toStartOfHour(occurred_at) <= toStartOfHour(fromUnixTimestamp64Milli({${toParam}:Int64}))`] : []),
];

export interface WhereClause {
  sql: string;
  params: Record<string, unknown>;
}

export interface TimeRange {
  from: number;
  to: number;
}

/** A rollup's time column as a DateTime in UTC; raw events' occurred_at. */
export function timeColumn(table: ReadTableName): string {
  if (table === 'call_events') return 'occurred_at';
  const grain = rollupTable(table).grain;
  return grain === 'day' ? "toDateTime(day, 'UTC')" : GRAIN_COLUMN[grain].column;
}

/**
 * A parameterised WHERE for the union of the given [from, to) ranges (disjoint) on the given
 * table: values travel as query parameters only.
 */
export function buildWhere(
  filter: UsageFilterInput,
  ranges: readonly TimeRange[],
  table: ReadTableName,
  segment = 0,
): WhereClause {
  // a read that does not narrow to the members would answer for everyone: resolved by the access policy or refused
  if (filter.memberOfTeamIds?.length) {
    throw new Error('memberOfTeamIds reached a read: UsageAccessPolicy.scope resolves it to userIds first');
  }
  const params: Record<string, unknown> = {};
  const conditions: string[] = [];
  const spans = ranges.map(({ from, to }, k) => {
    // range bounds differ per segment of a plan, the filter's values do not
    const fromParam = `from${segment}_${k}`;
    const toParam = `to${segment}_${k}`;
    if (table === 'call_events') {
      params[fromParam] = from;
      params[toParam] = to;
      return [
        `occurred_at >= fromUnixTimestamp64Milli({${fromParam}:Int64})`,
        `occurred_at < fromUnixTimestamp64Milli({${toParam}:Int64})`,
        ...RAW_HOUR_BOUNDS(fromParam, toParam),
      ];
    }
    params[fromParam] = Math.floor(from / 1000);
    params[toParam] = Math.floor(to / 1000);
    if (rollupTable(table).grain === 'day') {
      return [
        `day >= toDate(fromUnixTimestamp({${fromParam}:Int64}), 'UTC')`,
        `day < toDate(fromUnixTimestamp({${toParam}:Int64}), 'UTC')`,
      ];
    }
    const column = timeColumn(table);
    return [
      `${column} >= fromUnixTimestamp({${fromParam}:Int64})`,
      `${column} < fromUnixTimestamp({${toParam}:Int64})`,
    ];
  });
  conditions.push(
    spans.length === 1 ? spans[0].join(' AND ') : `(${spans.map((c) => `(${c.join(' AND ')})`).join(' OR ')})`,
  );
  const values = filter as unknown as Record<string, unknown[] | undefined>;
  for (const record of DIMENSIONS) {
    const { filterField, filterParamType } = record;
    if (!values[filterField]?.length) continue;
    const value = dimensionValue(record, table === 'call_events');
    const param = `{${filterField}:${filterParamType}}`;
    // a call matches once when any of its values is asked for
    conditions.push(record.multiValued ? `hasAny(${value}, ${param})` : `${value} IN ${param}`);
    params[filterField] = values[filterField];
  }
  return { sql: conditions.join(' AND '), params };
}
