import { Injectable } from '@nestjs/common';
import { ClickHouseGateway } from '@app/clickhouse';
import { DIMENSION_COLUMN, Granularity, UsageDimension, UsageMetric } from './dto/usage-enums';
import { UsageFilterInput } from './dto/usage-filter.input';
import { ALL_MEASURES, Measure, metricExpression } from './usage-metrics';
import { keepsUserState, planUsage, timeColumn, UsagePlan, UsageSource } from './usage-source';
import { buildWhere, TimeRange } from './usage-where';

/** The additive facts every metric is derived from, for one group. */
export interface UsageTotals {
  requests: number;
  successes: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cost: string;
  credits: string;
  activeUsers: number;
  latency: [number, number, number] | null;
  businessCalls: number;
  internalCalls: number;
}

export interface UsageGroup extends UsageTotals {
  bucket?: number;
  key?: string;
  secondKey?: string;
}

type AdditiveMeasure = Exclude<Measure, 'latency' | 'activeUsers'>;

export interface AggregateRequest {
  filter: UsageFilterInput;
  /** the planner's segments, one source each, covering the range without overlap */
  plan: UsagePlan;
  timeZone: string;
  /** default all; a measure left out reads as 0 (null latency) */
  measures?: ReadonlySet<Measure>;
  granularity?: Granularity;
  dimension?: UsageDimension;
  secondDimension?: UsageDimension;
  /** a stable slice of the groups (ordered by the grouping keys), for exports */
  page?: { limit: number; offset: number };
}

/**
 * A request with the plan of its own range, filter, grouping and measures: the sources are
 * chosen for exactly what the read computes (a source picked for fewer measures would answer
 * the others with zeros).
 */
export function planned(req: Omit<AggregateRequest, 'plan'> & { from: number; to: number; now: number }): AggregateRequest {
  const { from, to, now, ...request } = req;
  return { ...request, plan: planUsage({ ...request, from, to, now }) };
}

type SeriesAndSplit = Required<Pick<AggregateRequest, 'granularity' | 'dimension' | 'secondDimension'>>;

export interface RankRequest {
  metric: UsageMetric;
  descending: boolean;
  /** where a group without a value (success rate of no requests) sorts */
  nullsAs: number;
  limit: number;
  offset: number;
}

export interface RankedGroups {
  /** the slice, each group with the value it was ranked by (per-minute metrics: before dividing by the minutes) */
  groups: (UsageGroup & { rankValue: number })[];
  /** how many groups the whole answer has */
  groupCount: number;
  /** the sum of the ranked values over all groups, for shares of additive metrics */
  whole: number;
}

/**
 * Per additive measure: its sums over raw events, over a rollup, or a rollup's rows as they are
 * (aliased s_*, summed by the outer level), and the final sums.
 */
interface AdditiveColumns {
  raw: string;
  rollup: (source: UsageSource) => string;
  rollupRow: (source: UsageSource) => string;
  total: string;
  /** the names `total` gives its sums */
  outputs: string[];
}

const tokenSum = (column: string): AdditiveColumns => ({
  raw: `sum(toUInt64(${column})) AS s_${column}`,
  rollup: () => `sum(${column}) AS s_${column}`,
  rollupRow: () => `${column} AS s_${column}`,
  total: `sum(s_${column}) AS ${column}`,
  outputs: [column],
});
const decimalSum = (column: string): AdditiveColumns => ({
  raw: `sum(${column}) AS s_${column}`,
  rollup: () => `sum(${column}) AS s_${column}`,
  rollupRow: () => `${column} AS s_${column}`,
  total: `toString(sum(s_${column})) AS ${column}_total`,
  outputs: [`${column}_total`],
});
const countSum = (column: string, raw: string): AdditiveColumns => ({
  raw: `${raw} AS s_${column}`,
  rollup: () => `sum(${column}) AS s_${column}`,
  rollupRow: () => `${column} AS s_${column}`,
  total: `sum(s_${column}) AS ${column}`,
  outputs: [column],
});

const REQUESTS = countSum('requests', 'count()');

const ADDITIVE: Record<AdditiveMeasure, AdditiveColumns> = {
  successes: countSum('successes', "countIf(status = 'success')"),
  errors: countSum('errors', "countIf(status = 'error')"),
  inputTokens: tokenSum('input_tokens'),
  outputTokens: tokenSum('output_tokens'),
  cacheReadTokens: tokenSum('cache_read_tokens'),
  cacheWriteTokens: tokenSum('cache_write_tokens'),
  cost: decimalSum('cost'),
  credits: decimalSum('credits'),
  callsBySource: {
    raw: "countIf(source = 'business') AS s_business, countIf(source = 'internal') AS s_internal",
    rollup: (source) => `sumIf(${source}.requests, source = 'business') AS s_business, sumIf(${source}.requests, source = 'internal') AS s_internal`,
    rollupRow: (source) => `${source}.requests * (source = 'business') AS s_business, ${source}.requests * (source = 'internal') AS s_internal`,
    total: 'sum(s_business) AS business, sum(s_internal) AS internal',
    outputs: ['business', 'internal'],
  },
};

function additiveColumns(measures: ReadonlySet<Measure>): AdditiveColumns[] {
  return [REQUESTS, ...(Object.keys(ADDITIVE) as AdditiveMeasure[]).filter((m) => measures.has(m)).map((m) => ADDITIVE[m])];
}

/** The additive sums of one source, or a rollup's rows as they are. */
function additive(source: UsageSource, measures: ReadonlySet<Measure>, rows: boolean): string {
  return additiveColumns(measures)
    .map((c) => (source === 'call_events' ? c.raw : rows ? c.rollupRow(source) : c.rollup(source)))
    .join(', ');
}

/**
 * A rollup's rows need no grouping of their own when every measure is a plain sum: the outer
 * level sums them into its groups directly (at 100M events a 30-day read by user took 25 ms
 * with a grouping per segment, 20 without; a sparkline-and-models read 28 and 14). States
 * (distinct users, latency) are merged per segment first, and raw events are counted.
 */
function readsRows(source: UsageSource, measures: ReadonlySet<Measure>): boolean {
  return source !== 'call_events' && !measures.has('activeUsers') && !measures.has('latency');
}

/** Final values of a source read alone: exact distinct users where the source has a user column. */
function finals(source: UsageSource, measures: ReadonlySet<Measure>): string[] {
  const out: string[] = [];
  if (measures.has('activeUsers')) out.push(`${keepsUserState(source) ? 'uniqMerge(users)' : 'uniqExact(user_id)'} AS f_users`);
  if (measures.has('latency')) {
    out.push(`${source === 'call_events' ? 'quantilesTDigest(0.5, 0.95, 0.99)(latency_ms)' : 'quantilesTDigestMerge(0.5, 0.95, 0.99)(latency)'} AS f_latency`);
  }
  return out;
}

/** Mergeable states of a source, for a plan of several segments. */
function states(source: UsageSource, measures: ReadonlySet<Measure>): string[] {
  const out: string[] = [];
  if (measures.has('activeUsers')) out.push(`${keepsUserState(source) ? 'uniqMergeState(users)' : 'uniqState(user_id)'} AS s_users`);
  if (measures.has('latency')) {
    out.push(`${source === 'call_events' ? 'quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms)' : 'quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency)'} AS s_latency`);
  }
  return out;
}

/** Bucket start as epoch ms, in the caller's zone, from the source's time column. */
function bucketExpression(source: UsageSource, granularity: Granularity): string {
  const t = timeColumn(source);
  const local =
    granularity === Granularity.DAY
      ? `toStartOfDay(${t}, {tz:String})`
      : `toStartOfInterval(${t}, INTERVAL ${granularity === Granularity.HOUR ? '1 HOUR' : granularity === Granularity.FIVE_MINUTES ? '5 MINUTE' : '1 MINUTE'}, {tz:String})`;
  return `toUnixTimestamp(${local}) * 1000`;
}

interface Row {
  bucket?: string;
  group_key?: string;
  second_key?: string;
  requests: string;
  successes?: string;
  errors?: string;
  input_tokens?: string;
  output_tokens?: string;
  cache_read_tokens?: string;
  cache_write_tokens?: string;
  cost_total?: string;
  credits_total?: string;
  active_users?: string;
  latency_q?: number[];
  business?: string;
  internal?: string;
}

/** Exact decimal text without trailing zeros ("12.5", "0"). */
export function normalizeDecimal(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/\.?0+$/, '') || '0';
}

/**
 * The one query shape behind every usage view: the totals of a filtered range, optionally
 * grouped by time bucket (in the caller's zone) and/or by one dimension, from the source the
 * planner chose. All values are query parameters.
 */
@Injectable()
export class UsageAggregator {
  constructor(private readonly clickhouse: ClickHouseGateway) {}

  async aggregate(req: AggregateRequest): Promise<UsageGroup[]> {
    const { sql, params, columns } = this.grouped(req);
    if (req.page) return (await this.clickhouse.query<Row>(sql, { params })).map(toGroup);
    // the groups travel as one row of arrays, a column each: a week of hours by model is 6,720
    // groups, and taking them as JSON objects cost 8 of a 19 ms read at 100M events
    const [packed] = await this.clickhouse.query<Record<string, unknown[]>>(
      `SELECT ${columns.map((c) => `groupArray(${c}) AS ${c}`).join(', ')} FROM (${sql})`,
      { params },
    );
    return groupsOf(packed);
  }

  /**
   * The groups in the order of a metric, and one slice of them: the engine sorts and cuts, so
   * only the slice travels (a 30-day ranking of keys has thousands of groups). Ties go by key.
   */
  async aggregateRanked(req: AggregateRequest & { dimension: UsageDimension }, rank: RankRequest): Promise<RankedGroups> {
    const { sql, params } = this.grouped(req);
    const ranked = `SELECT *, count() OVER () AS group_count, sum(rank_value) OVER () AS rank_whole
      FROM (SELECT *, toFloat64(coalesce(${metricExpression(rank.metric)}, {null_rank:Float64})) AS rank_value FROM (${sql}))
      ORDER BY rank_value ${rank.descending ? 'DESC' : 'ASC'}, group_key LIMIT {rank_limit:UInt32} OFFSET {rank_offset:UInt64}`;
    const rows = await this.clickhouse.query<Row & { group_count: string; rank_value: number; rank_whole: number }>(ranked, {
      params: { ...params, null_rank: rank.nullsAs, rank_limit: rank.limit, rank_offset: rank.offset },
    });
    return {
      groups: rows.map((r) => ({ ...toGroup(r), rankValue: r.rank_value })),
      // an empty first page means no groups; an empty later page still needs the count
      groupCount: rows.length ? Number(rows[0].group_count) : rank.offset === 0 ? 0 : await this.groupCount(req),
      whole: rows.length ? rows[0].rank_whole : 0,
    };
  }

  /**
   * Two groupings of one read, for a breakdown's rows: per group of `dimension`, its points in
   * time (the sparkline) and its totals per `secondDimension` (the model list). Additive
   * measures only: both groupings sum the same per-segment sums.
   */
  async aggregateSeriesAndSplit(req: AggregateRequest & SeriesAndSplit): Promise<{ series: UsageGroup[]; split: UsageGroup[] }> {
    const measures = req.measures ?? ALL_MEASURES;
    if (measures.has('activeUsers') || measures.has('latency')) throw new Error('aggregateSeriesAndSplit sums additive measures only');
    const { sql, params, columns: outputs } = this.grouped(req, true);
    // one row of arrays per group and grouping: a page of 50 users has thousands of (user,
    // model) and (user, day) rows, and decoding them as objects cost 3 of 17 ms at 100M events
    const columns = outputs.filter((c) => c !== 'group_key');
    const packed = await this.clickhouse.query<{ group_key: string; series_row: number } & Record<string, unknown[]>>(
      `SELECT group_key, series_row, ${columns.map((c) => `groupArray(${c}) AS a_${c}`).join(', ')} FROM (${sql}) GROUP BY group_key, series_row`,
      { params },
    );
    const series: UsageGroup[] = [];
    const split: UsageGroup[] = [];
    for (const p of packed) {
      // a series row has no second key and a split row no bucket
      const own = Object.fromEntries(columns.filter((c) => c !== (p.series_row ? 'second_key' : 'bucket')).map((c) => [c, p[`a_${c}`]]));
      (p.series_row ? series : split).push(...groupsOf(own, p.group_key));
    }
    return { series, split };
  }

  private async groupCount(req: AggregateRequest): Promise<number> {
    const { sql, params } = this.grouped({ ...req, measures: new Set() });
    const [{ n }] = await this.clickhouse.query<{ n: string }>(`SELECT count() AS n FROM (${sql})`, { params });
    return Number(n);
  }

  /** The read's SQL and parameters, and the names of the columns it returns (none of them nullable). */
  private grouped(req: AggregateRequest, seriesAndSplit = false): { sql: string; params: Record<string, unknown>; columns: string[] } {
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

    // one read per source: a plan's two edges often come from the same rollup
    const rangesBySource = new Map<UsageSource, TimeRange[]>();
    for (const { source, from, to } of req.plan) rangesBySource.set(source, [...(rangesBySource.get(source) ?? []), { from, to }]);
    const segments = [...rangesBySource].map(([source, ranges], i) => {
      const where = buildWhere(req.filter, ranges, source, i);
      Object.assign(params, where.params);
      const select: string[] = [];
      if (req.granularity) select.push(`${bucketExpression(source, req.granularity)} AS bucket`);
      if (req.dimension) select.push(`${DIMENSION_COLUMN[req.dimension]} AS g_key`);
      if (req.secondDimension) select.push(`${DIMENSION_COLUMN[req.secondDimension]} AS g_second`);
      const rows = readsRows(source, measures);
      select.push(additive(source, measures, rows));
      return { source, select, where: where.sql, groupBy: rows ? '' : groupBy };
    });

    const totals = additiveColumns(measures).map((c) => c.total);
    let sql: string;
    if (segments.length === 1) {
      const [only] = segments;
      // finals are computed per inner group (one row per group), so the outer level passes them through
      const passed = [
        ...(measures.has('activeUsers') ? ['any(f_users) AS active_users'] : []),
        ...(measures.has('latency') ? ['any(f_latency) AS latency_q'] : []),
      ];
      sql = `SELECT ${[...outer, ...totals, ...passed].join(', ')}
        FROM (SELECT ${[...only.select, ...finals(only.source, measures)].join(', ')} FROM ${only.source} WHERE ${only.where}${only.groupBy})${outerGroupBy}`;
    } else {
      const merged = [
        ...(measures.has('activeUsers') ? ['uniqMerge(s_users) AS active_users'] : []),
        ...(measures.has('latency') ? ['quantilesTDigestMerge(0.5, 0.95, 0.99)(s_latency) AS latency_q'] : []),
      ];
      const parts = segments.map((seg) => `SELECT ${[...seg.select, ...states(seg.source, measures)].join(', ')} FROM ${seg.source} WHERE ${seg.where}${seg.groupBy}`);
      sql = `SELECT ${[...outer, ...totals, ...merged].join(', ')} FROM (${parts.join(' UNION ALL ')})${outerGroupBy}`;
    }
    if (req.page) {
      sql += ` ORDER BY ${inner.length ? inner.join(', ') : '1'} LIMIT {limit:UInt32} OFFSET {offset:UInt64}`;
      params.limit = req.page.limit;
      params.offset = req.page.offset;
    }
    const columns = [
      ...(req.granularity ? ['bucket'] : []),
      ...(req.dimension ? ['group_key'] : []),
      ...(req.secondDimension ? ['second_key'] : []),
      ...additiveColumns(measures).flatMap((c) => c.outputs),
      ...(measures.has('activeUsers') ? ['active_users'] : []),
      ...(measures.has('latency') ? ['latency_q'] : []),
    ];
    return { sql, params, columns };
  }
}

/**
 * The groups of a read returned as columns (arrays of equal length, one per output), and of
 * one group key when the read was packed per group. Every row is built with the same shape:
 * rows with names set one by one per column were slow objects.
 */
function groupsOf(columns: Partial<Record<keyof Row, unknown[]>>, groupKey?: string): UsageGroup[] {
  const c = columns;
  const n = c.requests?.length ?? 0;
  // groupArray leaves NULLs out: a nullable output would shift its column against the others
  if (Object.values(c).some((values) => values!.length !== n)) throw new Error('a grouped read returned columns of different lengths');
  const groups: UsageGroup[] = [];
  const at = (values: unknown[] | undefined, i: number) => (values ? values[i] : undefined);
  for (let i = 0; i < n; i++) {
    groups.push(
      toGroup({
        bucket: at(c.bucket, i),
        group_key: groupKey ?? at(c.group_key, i),
        second_key: at(c.second_key, i),
        requests: c.requests![i],
        successes: at(c.successes, i),
        errors: at(c.errors, i),
        input_tokens: at(c.input_tokens, i),
        output_tokens: at(c.output_tokens, i),
        cache_read_tokens: at(c.cache_read_tokens, i),
        cache_write_tokens: at(c.cache_write_tokens, i),
        cost_total: at(c.cost_total, i),
        credits_total: at(c.credits_total, i),
        active_users: at(c.active_users, i),
        latency_q: at(c.latency_q, i),
        business: at(c.business, i),
        internal: at(c.internal, i),
      } as Row),
    );
  }
  return groups;
}

// properties set one by one: object spreads here cost ~10 µs a row (thousands of rows per trend)
function toGroup(r: Row): UsageGroup {
  const group: UsageGroup = toTotals(r);
  if (r.bucket !== undefined) group.bucket = Number(r.bucket);
  if (r.group_key !== undefined) group.key = r.group_key;
  if (r.second_key !== undefined) group.secondKey = r.second_key;
  return group;
}

function toTotals(r: Row): UsageTotals {
  const requests = Number(r.requests);
  return {
    requests,
    successes: Number(r.successes ?? 0),
    errors: Number(r.errors ?? 0),
    inputTokens: Number(r.input_tokens ?? 0),
    outputTokens: Number(r.output_tokens ?? 0),
    cacheReadTokens: Number(r.cache_read_tokens ?? 0),
    cacheWriteTokens: Number(r.cache_write_tokens ?? 0),
    cost: normalizeDecimal(r.cost_total ?? '0'),
    credits: normalizeDecimal(r.credits_total ?? '0'),
    activeUsers: Number(r.active_users ?? 0),
    latency: requests > 0 && r.latency_q ? [r.latency_q[0], r.latency_q[1], r.latency_q[2]] : null,
    businessCalls: Number(r.business ?? 0),
    internalCalls: Number(r.internal ?? 0),
  };
}

export const EMPTY_TOTALS: UsageTotals = {
  requests: 0,
  successes: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  cost: '0',
  credits: '0',
  activeUsers: 0,
  latency: null,
  businessCalls: 0,
  internalCalls: 0,
};
