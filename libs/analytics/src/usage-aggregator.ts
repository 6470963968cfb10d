import { Injectable } from '@nestjs/common';
import { ClickHouseGateway } from '@app/clickhouse';
import { DIMENSION_COLUMN, Granularity, UsageDimension } from './dto/usage-enums';
import { UsageFilterInput } from './dto/usage-filter.input';
import { keepsUserState, timeColumn, UsagePlan, UsageSource } from './usage-source';
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

/** Aggregate-state measures, costly to merge: asked for only when a metric needs them. */
export type StateMeasure = 'latency' | 'activeUsers';

export interface AggregateRequest {
  filter: UsageFilterInput;
  /** the planner's segments, one source each, covering the range without overlap */
  plan: UsagePlan;
  timeZone: string;
  /** default both; a measure left out reads as null latency and 0 active users */
  measures?: ReadonlySet<StateMeasure>;
  granularity?: Granularity;
  dimension?: UsageDimension;
  secondDimension?: UsageDimension;
  /** a stable slice of the groups (ordered by the grouping keys), for exports */
  page?: { limit: number; offset: number };
}

const ALL_MEASURES: ReadonlySet<StateMeasure> = new Set(['latency', 'activeUsers']);


/** The additive columns of one source, aliased s_*, so they can be summed again across segments. */
function additive(source: UsageSource): string {
  if (source === 'call_events') {
    return `count() AS s_requests, countIf(status = 'success') AS s_successes, countIf(status = 'error') AS s_errors,
  sum(toUInt64(input_tokens)) AS s_input_tokens, sum(toUInt64(output_tokens)) AS s_output_tokens,
  sum(toUInt64(cache_read_tokens)) AS s_cache_read_tokens, sum(toUInt64(cache_write_tokens)) AS s_cache_write_tokens,
  sum(cost) AS s_cost, sum(credits) AS s_credits,
  countIf(source = 'business') AS s_business, countIf(source = 'internal') AS s_internal`;
  }
  return `sum(requests) AS s_requests, sum(successes) AS s_successes, sum(errors) AS s_errors,
  sum(input_tokens) AS s_input_tokens, sum(output_tokens) AS s_output_tokens,
  sum(cache_read_tokens) AS s_cache_read_tokens, sum(cache_write_tokens) AS s_cache_write_tokens,
  sum(cost) AS s_cost, sum(credits) AS s_credits,
  sumIf(${source}.requests, source = 'business') AS s_business, sumIf(${source}.requests, source = 'internal') AS s_internal`;
}

/** Final values of a source read alone: exact distinct users where the source has a user column. */
function finals(source: UsageSource, measures: ReadonlySet<StateMeasure>): string[] {
  const out: string[] = [];
  if (measures.has('activeUsers')) out.push(`${keepsUserState(source) ? 'uniqMerge(users)' : 'uniqExact(user_id)'} AS f_users`);
  if (measures.has('latency')) {
    out.push(`${source === 'call_events' ? 'quantilesTDigest(0.5, 0.95, 0.99)(latency_ms)' : 'quantilesTDigestMerge(0.5, 0.95, 0.99)(latency)'} AS f_latency`);
  }
  return out;
}

/** Mergeable states of a source, for a plan of several segments. */
function states(source: UsageSource, measures: ReadonlySet<StateMeasure>): string[] {
  const out: string[] = [];
  if (measures.has('activeUsers')) out.push(`${keepsUserState(source) ? 'uniqMergeState(users)' : 'uniqState(user_id)'} AS s_users`);
  if (measures.has('latency')) {
    out.push(`${source === 'call_events' ? 'quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms)' : 'quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency)'} AS s_latency`);
  }
  return out;
}

const TOTALS = `sum(s_requests) AS requests, sum(s_successes) AS successes, sum(s_errors) AS errors,
  sum(s_input_tokens) AS input_tokens, sum(s_output_tokens) AS output_tokens,
  sum(s_cache_read_tokens) AS cache_read_tokens, sum(s_cache_write_tokens) AS cache_write_tokens,
  toString(sum(s_cost)) AS cost_total, toString(sum(s_credits)) AS credits_total,
  sum(s_business) AS business, sum(s_internal) AS internal`;

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
  successes: string;
  errors: string;
  input_tokens: string;
  output_tokens: string;
  cache_read_tokens: string;
  cache_write_tokens: string;
  cost_total: string;
  credits_total: string;
  active_users?: string;
  latency_q?: number[];
  business: string;
  internal: string;
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
    const measures = req.measures ?? ALL_MEASURES;
    const params: Record<string, unknown> = { tz: req.timeZone };
    const keys: string[] = [];
    if (req.granularity) keys.push('bucket');
    if (req.dimension) keys.push('group_key');
    if (req.secondDimension) keys.push('second_key');
    const groupBy = keys.length ? ` GROUP BY ${keys.join(', ')}` : '';

    // one read per source: a plan's two edges often come from the same rollup
    const rangesBySource = new Map<UsageSource, TimeRange[]>();
    for (const { source, from, to } of req.plan) rangesBySource.set(source, [...(rangesBySource.get(source) ?? []), { from, to }]);
    const segments = [...rangesBySource].map(([source, ranges], i) => {
      const where = buildWhere(req.filter, ranges, source, i);
      Object.assign(params, where.params);
      const select: string[] = [];
      if (req.granularity) select.push(`${bucketExpression(source, req.granularity)} AS bucket`);
      if (req.dimension) select.push(`toString(${DIMENSION_COLUMN[req.dimension]}) AS group_key`);
      if (req.secondDimension) select.push(`toString(${DIMENSION_COLUMN[req.secondDimension]}) AS second_key`);
      select.push(additive(source));
      return { source, select, where: where.sql };
    });

    let sql: string;
    if (segments.length === 1) {
      const [only] = segments;
      // one row per group inside already; the outer level only renames, finals pass through
      const passed = [
        ...(measures.has('activeUsers') ? ['any(f_users) AS active_users'] : []),
        ...(measures.has('latency') ? ['any(f_latency) AS latency_q'] : []),
      ];
      sql = `SELECT ${keys.length ? `${keys.join(', ')}, ` : ''}${[TOTALS, ...passed].join(', ')}
        FROM (SELECT ${[...only.select, ...finals(only.source, measures)].join(', ')} FROM ${only.source} WHERE ${only.where}${groupBy})${groupBy}`;
    } else {
      const merged = [
        ...(measures.has('activeUsers') ? ['uniqMerge(s_users) AS active_users'] : []),
        ...(measures.has('latency') ? ['quantilesTDigestMerge(0.5, 0.95, 0.99)(s_latency) AS latency_q'] : []),
      ];
      const parts = segments.map((seg) => `SELECT ${[...seg.select, ...states(seg.source, measures)].join(', ')} FROM ${seg.source} WHERE ${seg.where}${groupBy}`);
      sql = `SELECT ${keys.length ? `${keys.join(', ')}, ` : ''}${[TOTALS, ...merged].join(', ')} FROM (${parts.join(' UNION ALL ')})${groupBy}`;
    }
    if (req.page) {
      sql += ` ORDER BY ${keys.length ? keys.join(', ') : '1'} LIMIT {limit:UInt32} OFFSET {offset:UInt64}`;
      params.limit = req.page.limit;
      params.offset = req.page.offset;
    }
    const rows = await this.clickhouse.query<Row>(sql, { params });
    // properties set one by one: object spreads here cost ~10 µs a row (thousands of rows per trend)
    return rows.map((r) => {
      const group: UsageGroup = toTotals(r);
      if (r.bucket !== undefined) group.bucket = Number(r.bucket);
      if (r.group_key !== undefined) group.key = r.group_key;
      if (r.second_key !== undefined) group.secondKey = r.second_key;
      return group;
    });
  }
}

function toTotals(r: Row): UsageTotals {
  const requests = Number(r.requests);
  return {
    requests,
    successes: Number(r.successes),
    errors: Number(r.errors),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cacheReadTokens: Number(r.cache_read_tokens),
    cacheWriteTokens: Number(r.cache_write_tokens),
    cost: normalizeDecimal(r.cost_total),
    credits: normalizeDecimal(r.credits_total),
    activeUsers: Number(r.active_users ?? 0),
    latency: requests > 0 && r.latency_q ? [r.latency_q[0], r.latency_q[1], r.latency_q[2]] : null,
    businessCalls: Number(r.business),
    internalCalls: Number(r.internal),
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
