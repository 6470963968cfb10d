import { Injectable } from '@nestjs/common';
import { ClickHouseGateway } from '@app/clickhouse';
import { DIMENSION_COLUMN, Granularity, UsageDimension } from './dto/usage-enums';
import { UsageFilterInput } from './dto/usage-filter.input';
import { UsageSource } from './usage-source';
import { buildWhere, TIME_COLUMN } from './usage-where';

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

export interface AggregateRequest {
  filter: UsageFilterInput;
  from: number;
  to: number;
  source: UsageSource;
  timeZone: string;
  granularity?: Granularity;
  dimension?: UsageDimension;
  secondDimension?: UsageDimension;
  /** a stable slice of the groups (ordered by the grouping keys), for exports */
  page?: { limit: number; offset: number };
}

const RAW = `count() AS requests, countIf(status = 'success') AS successes, countIf(status = 'error') AS errors,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
  sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_tokens) AS cache_write_tokens,
  toString(sum(cost)) AS cost_total, toString(sum(credits)) AS credits_total, uniqExact(user_id) AS active_users,
  quantilesTDigest(0.5, 0.95, 0.99)(latency_ms) AS latency_q,
  countIf(source = 'business') AS business, countIf(source = 'internal') AS internal`;

/** Rollups without a user column keep a uniq state of the users instead. */
const USER_STATE_SOURCES = new Set<UsageSource>(['usage_1m', 'usage_team_1h']);

function rollup(source: UsageSource): string {
  const users = USER_STATE_SOURCES.has(source) ? 'uniqMerge(users)' : 'uniqExact(user_id)';
  return `sum(requests) AS requests, sum(successes) AS successes, sum(errors) AS errors,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
  sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_tokens) AS cache_write_tokens,
  toString(sum(cost)) AS cost_total, toString(sum(credits)) AS credits_total, ${users} AS active_users,
  quantilesTDigestMerge(0.5, 0.95, 0.99)(latency) AS latency_q,
  sumIf(${source}.requests, source = 'business') AS business, sumIf(${source}.requests, source = 'internal') AS internal`;
}

/** Bucket start as epoch ms, in the caller's zone, from the source's time column. */
function bucketExpression(source: UsageSource, granularity: Granularity): string {
  const t = TIME_COLUMN[source];
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
  active_users: string;
  latency_q: number[];
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
    const where = buildWhere(req.filter, req.from, req.to, req.source);
    const select: string[] = [];
    const group: string[] = [];
    const params: Record<string, unknown> = { ...where.params, tz: req.timeZone };
    if (req.granularity) {
      select.push(`${bucketExpression(req.source, req.granularity)} AS bucket`);
      group.push('bucket');
    }
    if (req.dimension) {
      select.push(`toString(${DIMENSION_COLUMN[req.dimension]}) AS group_key`);
      group.push('group_key');
    }
    if (req.secondDimension) {
      select.push(`toString(${DIMENSION_COLUMN[req.secondDimension]}) AS second_key`);
      group.push('second_key');
    }
    select.push(req.source === 'call_events' ? RAW : rollup(req.source));
    let sql = `SELECT ${select.join(', ')} FROM ${req.source} WHERE ${where.sql}${group.length ? ` GROUP BY ${group.join(', ')}` : ''}`;
    if (req.page) {
      sql += ` ORDER BY ${group.length ? group.join(', ') : '1'} LIMIT {limit:UInt32} OFFSET {offset:UInt64}`;
      params.limit = req.page.limit;
      params.offset = req.page.offset;
    }
    const rows = await this.clickhouse.query<Row>(sql, { params });
    return rows.map((r) => ({
      ...(r.bucket !== undefined ? { bucket: Number(r.bucket) } : {}),
      ...(r.group_key !== undefined ? { key: r.group_key } : {}),
      ...(r.second_key !== undefined ? { secondKey: r.second_key } : {}),
      ...toTotals(r),
    }));
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
    activeUsers: Number(r.active_users),
    latency: requests > 0 ? [r.latency_q[0], r.latency_q[1], r.latency_q[2]] : null,
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
