import {
  ALL_MEASURES,
  dimensionRecord,
  dimensionValue,
  Granularity,
  Measure,
  ReadTableName,
  UsageDimension,
  UsageMetric,
} from '@app/catalog';
import { UsageFilterInput } from '../dto/usage-filter.input';
import { metricExpression } from '../usage-metrics';
import {
  additive,
  additiveColumns,
  finals,
  mergedStates,
  mergesStates,
  passedFinals,
  quantileOutputs,
  repricedRawSource,
  states,
} from './measure-sql';
import { UsagePlan } from './planner';
import { buildWhere, TimeRange, timeColumn } from './where-clause';

export interface AggregateRequest {
  filter: UsageFilterInput;
  /** the planner's segments, one table each, covering the range without overlap */
  plan: UsagePlan;
  timeZone: string;
  /** default all; a measure left out reads as 0 (null latency and time to first token) */
  measures?: ReadonlySet<Measure>;
  granularity?: Granularity;
  dimension?: UsageDimension;
  secondDimension?: UsageDimension;
  /** a stable slice of the groups (ordered by the grouping keys), for exports */
  page?: { limit: number; offset: number };
}

/** A statement and its parameters; values never enter the SQL text. */
export interface BoundSql {
  sql: string;
  params: Record<string, unknown>;
}

export interface RankRequest {
  metric: UsageMetric;
  descending: boolean;
  /** where a group without a value (success rate of no requests) sorts */
  nullsAs: number;
  limit: number;
  offset: number;
}

/**
 * A rollup's rows need no grouping of their own when every measure is a plain sum: the outer
 * level sums them into its groups directly (at 100M events a 30-day read by user took 25 ms
 * with a grouping per segment, 20 without; a sparkline-and-models read 28 and 14). States
 * (distinct users, quantiles) are merged per segment first, and raw events are counted.
 */
export function readsRows(table: ReadTableName, measures: ReadonlySet<Measure>): boolean {
  return table !== 'call_events' && !mergesStates(measures);
}

const INTERVAL: Record<Exclude<Granularity, Granularity.DAY | Granularity.MONTH>, string> = {
  [Granularity.HOUR]: '1 HOUR',
  [Granularity.FIVE_MINUTES]: '5 MINUTE',
  [Granularity.MINUTE]: '1 MINUTE',
};

/** Bucket start as epoch ms, in the caller's zone, from the table's time column. */
export function bucketExpression(table: ReadTableName, granularity: Granularity): string {
  return bucketStartOf(timeColumn(table), granularity);
}

/** The start (epoch ms) of the bucket, in the caller's zone ({tz:String}), that holds a DateTime. */
export function bucketStartOf(t: string, granularity: Granularity): string {
  // a month's start is a Date: made the DateTime of its local midnight, as a day's start is
  const local =
    granularity === Granularity.DAY
      ? `toStartOfDay(${t}, {tz:String})`
      : granularity === Granularity.MONTH
        ? `toDateTime(toStartOfMonth(${t}, {tz:String}), {tz:String})`
        : `toStartOfInterval(${t}, INTERVAL ${INTERVAL[granularity]}, {tz:String})`;
  return `toUnixTimestamp(${local}) * 1000`;
}

/** A plan's ranges grouped by table: one read per table, as a plan's two edges often come from the same rollup. */
export function rangesByTable(plan: UsagePlan): Map<ReadTableName, TimeRange[]> {
  const byTable = new Map<ReadTableName, TimeRange[]>();
  for (const { table, from, to } of plan) byTable.set(table, [...(byTable.get(table) ?? []), { from, to }]);
  return byTable;
}

/**
 * What a segment reads from: a rollup, or raw events with what repricing changed on each (see
 * repricedRawSource). cost_adjustments has no test flag (repricing skips test calls), so its WHERE is
 * the segment's without that condition; its parameters are the segment's own.
 */
export function readSource(
  table: ReadTableName,
  measures: ReadonlySet<Measure>,
  filter: UsageFilterInput,
  ranges: TimeRange[],
  index: number,
): string {
  if (table !== 'call_events') return table;
  return repricedRawSource(measures, buildWhere({ ...filter, includeTest: true }, ranges, table, index).sql);
}

/** A dimension's group key in a table; a call with several values (tags) is counted in the group of each. */
export function groupKey(dimension: UsageDimension, table: ReadTableName): string {
  const record = dimensionRecord(dimension);
  const value = dimensionValue(record, table === 'call_events');
  return record.multiValued ? `arrayJoin(${value})` : value;
}

/**
 * The one query shape behind every usage view: the totals of a filtered range, optionally
 * grouped by time bucket (in the caller's zone) and/or by one or two dimensions, each segment of
 * the plan read from its table. `seriesAndSplit` groups twice at once (GROUPING SETS): by the
 * first dimension and bucket, and by both dimensions.
 */
export class GroupedUsageRead {
  constructor(
    private readonly req: AggregateRequest,
    private readonly seriesAndSplit = false,
  ) {}

  /** The names of the columns the read returns (none of them nullable). */
  columns(): string[] {
    const { req } = this;
    const measures = req.measures ?? ALL_MEASURES;
    return [
      ...(req.granularity ? ['bucket'] : []),
      ...(req.dimension ? ['group_key'] : []),
      ...(req.secondDimension ? ['second_key'] : []),
      ...additiveColumns(measures).flatMap((c) => c.outputs),
      ...(measures.has('activeUsers') ? ['active_users'] : []),
      ...quantileOutputs(measures),
    ];
  }

  toSQL(): BoundSql {
    const { req, seriesAndSplit } = this;
    const measures = req.measures ?? ALL_MEASURES;
    const params: Record<string, unknown> = { tz: req.timeZone };
    // dimension values are grouped as stored and turned to text once per group, not per row
    const inner: string[] = [];
    const outer: string[] = [];
    if (req.granularity) {
      inner.push('bucket');
      outer.push('bucket');
    }
    if (req.dimension) {
      inner.push('g_key');
      outer.push('toString(g_key) AS group_key');
    }
    if (req.secondDimension) {
      inner.push('g_second');
      outer.push('toString(g_second) AS second_key');
    }
    const groupBy = inner.length ? ` GROUP BY ${inner.join(', ')}` : '';
    // GROUPING SETS: grouping(g_second) is 1 on the rows grouped by bucket, where the second key is summed over
    const outerGroupBy = seriesAndSplit ? ' GROUP BY GROUPING SETS ((g_key, bucket), (g_key, g_second))' : groupBy;
    if (seriesAndSplit) outer.push('grouping(g_second) AS series_row');

    const segments = [...rangesByTable(req.plan)].map(([table, ranges], i) => {
      const where = buildWhere(req.filter, ranges, table, i);
      Object.assign(params, where.params);
      const select: string[] = [];
      if (req.granularity) select.push(`${bucketExpression(table, req.granularity)} AS bucket`);
      if (req.dimension) select.push(`${groupKey(req.dimension, table)} AS g_key`);
      if (req.secondDimension) select.push(`${groupKey(req.secondDimension, table)} AS g_second`);
      const rows = readsRows(table, measures);
      select.push(additive(table, measures, rows));
      const from = readSource(table, measures, req.filter, ranges, i);
      return { table, from, select, where: where.sql, groupBy: rows ? '' : groupBy };
    });

    const totals = additiveColumns(measures).map((c) => c.total);
    let sql: string;
    if (segments.length === 1) {
      const [only] = segments;
      // finals are computed per inner group (one row per group), so the outer level passes them through
      const selected = [...only.select, ...finals(only.table, measures)].join(', ');
      sql = `SELECT ${[...outer, ...totals, ...passedFinals(measures)].join(', ')}
        FROM (SELECT ${selected} FROM ${only.from} WHERE ${only.where}${only.groupBy})${outerGroupBy}`;
    } else {
      const parts = segments.map(
        (seg) =>
          `SELECT ${[...seg.select, ...states(seg.table, measures)].join(', ')} ` +
          `FROM ${seg.from} WHERE ${seg.where}${seg.groupBy}`,
      );
      const selected = [...outer, ...totals, ...mergedStates(measures)].join(', ');
      sql = `SELECT ${selected} FROM (${parts.join(' UNION ALL ')})${outerGroupBy}`;
    }
    if (req.page) {
      sql += ` ORDER BY ${inner.length ? inner.join(', ') : '1'} LIMIT {limit:UInt32} OFFSET {offset:UInt64}`;
      params.limit = req.page.limit;
      params.offset = req.page.offset;
    }
    return { sql, params };
  }
}

/**
 * The groups as one row of arrays, a column each: a week of hours by model is 6,720 groups, and
 * taking them as JSON objects cost 8 of a 19 ms read at 100M events.
 */
export class PackedUsageRead {
  constructor(private readonly read: GroupedUsageRead) {}

  toSQL(): BoundSql {
    const { sql, params } = this.read.toSQL();
    const arrays = this.read.columns().map((c) => `groupArray(${c}) AS ${c}`);
    return { sql: `SELECT ${arrays.join(', ')} FROM (${sql})`, params };
  }
}

/** The groups in the order of a metric, one slice of them, with the count and sum over all groups. */
export class RankedUsageRead {
  constructor(
    private readonly read: GroupedUsageRead,
    private readonly rank: RankRequest,
  ) {}

  toSQL(): BoundSql {
    const { sql, params } = this.read.toSQL();
    const { rank } = this;
    const value = `toFloat64(coalesce(${metricExpression(rank.metric)}, {null_rank:Float64})) AS rank_value`;
    const order = `rank_value ${rank.descending ? 'DESC' : 'ASC'}, group_key`;
    const ranked = [
      'SELECT *, count() OVER () AS group_count, sum(rank_value) OVER () AS rank_whole',
      `      FROM (SELECT *, ${value} FROM (${sql}))`,
      `      ORDER BY ${order} LIMIT {rank_limit:UInt32} OFFSET {rank_offset:UInt64}`,
    ].join('\n');
    return {
      sql: ranked,
      params: { ...params, null_rank: rank.nullsAs, rank_limit: rank.limit, rank_offset: rank.offset },
    };
  }
}

/** How many groups a read has. */
export class GroupCountRead {
  constructor(private readonly read: GroupedUsageRead) {}

  toSQL(): BoundSql {
    const { sql, params } = this.read.toSQL();
    return { sql: `SELECT count() AS n FROM (${sql})`, params };
  }
}

/**
 * A breakdown's two groupings packed per group and grouping: a page of 50 users has thousands of
 * (user, model) and (user, day) rows, and decoding them as objects cost 3 of 17 ms at 100M events.
 */
export class SeriesAndSplitRead {
  constructor(private readonly read: GroupedUsageRead) {}

  /** the packed columns besides group_key and series_row, each returned as a_<name> */
  columns(): string[] {
    return this.read.columns().filter((c) => c !== 'group_key');
  }

  toSQL(): BoundSql {
    const { sql, params } = this.read.toSQL();
    const arrays = this.columns().map((c) => `groupArray(${c}) AS a_${c}`);
    return {
      sql: `SELECT group_key, series_row, ${arrays.join(', ')} FROM (${sql}) GROUP BY group_key, series_row`,
      params,
    };
  }
}
