import { Injectable } from '@nestjs/common';
import { ClickHouseGateway } from '@app/clickhouse';
import { UsageFilterInput } from './dto/usage-filter.input';
import { UsageSummary } from './dto/usage-summary.type';
import { resolveRange } from './time-range';
import { buildWhere, rollupCanFilter, Source } from './usage-where';

const MINUTE = 60_000;
const ROLLUP_1M_RETENTION_MS = 14 * 24 * 60 * MINUTE;

interface SummaryRow {
  requests: string;
  successes: string;
  errors: string;
  input_tokens: string;
  output_tokens: string;
  cache_read_tokens: string;
  cache_write_tokens: string;
  cost: string;
  credits: string;
  active_users: string;
  latency: number[];
  business: string;
  internal: string;
}

/** Exact decimal text without trailing zeros ("12.5", "0"). */
export function normalizeDecimal(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/\.?0+$/, '') || '0';
}

/** The KPI cards: totals over a range, from the minute rollup when it can answer exactly. */
@Injectable()
export class UsageSummaryQuery {
  constructor(private readonly clickhouse: ClickHouseGateway) {}

  async execute(filter: UsageFilterInput, now: number = Date.now()): Promise<UsageSummary> {
    const range = resolveRange(filter.range, now);
    const aligned = range.from.getTime() % MINUTE === 0 && range.to.getTime() % MINUTE === 0;
    const inRetention = range.from.getTime() >= now - ROLLUP_1M_RETENTION_MS + MINUTE;
    const source: Source = aligned && inRetention && rollupCanFilter(filter) ? 'usage_1m' : 'raw';
    const where = buildWhere(filter, range, source);
    const sql =
      source === 'usage_1m'
        ? `SELECT sum(requests) AS requests, sum(successes) AS successes, sum(errors) AS errors,
             sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
             sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_tokens) AS cache_write_tokens,
             toString(sum(cost)) AS cost, toString(sum(credits)) AS credits,
             uniqMerge(users) AS active_users,
             quantilesTDigestMerge(0.5, 0.95, 0.99)(latency) AS latency,
             sumIf(usage_1m.requests, source = 'business') AS business, sumIf(usage_1m.requests, source = 'internal') AS internal
           FROM usage_1m WHERE ${where.sql}`
        : `SELECT count() AS requests, countIf(status = 'success') AS successes, countIf(status = 'error') AS errors,
             sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
             sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_tokens) AS cache_write_tokens,
             toString(sum(cost)) AS cost, toString(sum(credits)) AS credits,
             uniqExact(user_id) AS active_users,
             quantilesTDigest(0.5, 0.95, 0.99)(latency_ms) AS latency,
             countIf(source = 'business') AS business, countIf(source = 'internal') AS internal
           FROM call_events WHERE ${where.sql}`;
    const [row] = await this.clickhouse.query<SummaryRow>(sql, { params: where.params });
    const requests = Number(row.requests);
    const activeUsers = Number(row.active_users);
    const input = Number(row.input_tokens);
    const output = Number(row.output_tokens);
    const latency = requests > 0 ? row.latency : [];
    return {
      requests,
      successes: Number(row.successes),
      errors: Number(row.errors),
      successRate: requests > 0 ? Number(row.successes) / requests : null,
      inputTokens: input,
      outputTokens: output,
      cacheReadTokens: Number(row.cache_read_tokens),
      cacheWriteTokens: Number(row.cache_write_tokens),
      totalTokens: input + output,
      cost: normalizeDecimal(row.cost),
      credits: normalizeDecimal(row.credits),
      activeUsers,
      avgRequestsPerUser: activeUsers > 0 ? requests / activeUsers : null,
      latencyP50: latency[0] ?? null,
      latencyP95: latency[1] ?? null,
      latencyP99: latency[2] ?? null,
      businessCalls: Number(row.business),
      internalCalls: Number(row.internal),
    };
  }
}
