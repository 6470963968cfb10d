import { UsageMetric } from './dto/usage-enums';
import type { UsageTotals } from './usage-aggregator';

/**
 * What a read computes besides the request count. Every measure left out is a column neither read
 * nor summed (a raw edge otherwise sums two Decimal128 columns per event); the aggregate states
 * (latency t-digests, uniq users) are the costliest to merge.
 */
export type Measure =
  | 'successes'
  | 'errors'
  | 'inputTokens'
  | 'outputTokens'
  | 'cacheReadTokens'
  | 'cacheWriteTokens'
  | 'cost'
  | 'credits'
  | 'callsBySource'
  | 'latency'
  | 'activeUsers';

export const ALL_MEASURES: ReadonlySet<Measure> = new Set<Measure>([
  'successes',
  'errors',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'cost',
  'credits',
  'callsBySource',
  'latency',
  'activeUsers',
]);

/** A metric from a group's totals; per-minute rates divide by the minutes the group spans. */
export function metricValue(t: UsageTotals, metric: UsageMetric, minutes: number): number | null {
  switch (metric) {
    case UsageMetric.REQUESTS:
      return t.requests;
    case UsageMetric.SUCCESSES:
      return t.successes;
    case UsageMetric.ERRORS:
      return t.errors;
    case UsageMetric.SUCCESS_RATE:
      return t.requests > 0 ? t.successes / t.requests : null;
    case UsageMetric.INPUT_TOKENS:
      return t.inputTokens;
    case UsageMetric.OUTPUT_TOKENS:
      return t.outputTokens;
    case UsageMetric.CACHE_READ_TOKENS:
      return t.cacheReadTokens;
    case UsageMetric.CACHE_WRITE_TOKENS:
      return t.cacheWriteTokens;
    case UsageMetric.TOTAL_TOKENS:
      return t.inputTokens + t.outputTokens;
    case UsageMetric.TOKENS_PER_MINUTE:
      return (t.inputTokens + t.outputTokens) / minutes;
    case UsageMetric.INPUT_TOKENS_PER_MINUTE:
      return t.inputTokens / minutes;
    case UsageMetric.OUTPUT_TOKENS_PER_MINUTE:
      return t.outputTokens / minutes;
    case UsageMetric.LATENCY_P50:
      return t.latency?.[0] ?? null;
    case UsageMetric.LATENCY_P95:
      return t.latency?.[1] ?? null;
    case UsageMetric.LATENCY_P99:
      return t.latency?.[2] ?? null;
    case UsageMetric.COST:
      return Number(t.cost);
    case UsageMetric.CREDITS:
      return Number(t.credits);
    case UsageMetric.ACTIVE_USERS:
      return t.activeUsers;
  }
}

/**
 * The same value as metricValue, in SQL over an aggregated row's columns, for ranking in the
 * engine; per-minute rates are left undivided (the same minutes for every group: the same order).
 */
export function metricExpression(metric: UsageMetric): string {
  switch (metric) {
    case UsageMetric.REQUESTS:
      return 'requests';
    case UsageMetric.SUCCESSES:
      return 'successes';
    case UsageMetric.ERRORS:
      return 'errors';
    case UsageMetric.SUCCESS_RATE:
      return 'if(requests > 0, successes / requests, NULL)';
    case UsageMetric.INPUT_TOKENS:
    case UsageMetric.INPUT_TOKENS_PER_MINUTE:
      return 'input_tokens';
    case UsageMetric.OUTPUT_TOKENS:
    case UsageMetric.OUTPUT_TOKENS_PER_MINUTE:
      return 'output_tokens';
    case UsageMetric.CACHE_READ_TOKENS:
      return 'cache_read_tokens';
    case UsageMetric.CACHE_WRITE_TOKENS:
      return 'cache_write_tokens';
    case UsageMetric.TOTAL_TOKENS:
    case UsageMetric.TOKENS_PER_MINUTE:
      return 'input_tokens + output_tokens';
    case UsageMetric.LATENCY_P50:
      return 'if(requests > 0, latency_q[1], NULL)';
    case UsageMetric.LATENCY_P95:
      return 'if(requests > 0, latency_q[2], NULL)';
    case UsageMetric.LATENCY_P99:
      return 'if(requests > 0, latency_q[3], NULL)';
    case UsageMetric.COST:
      // the same double JS parses from the decimal text
      return 'toFloat64(cost_total)';
    case UsageMetric.CREDITS:
      return 'toFloat64(credits_total)';
    case UsageMetric.ACTIVE_USERS:
      return 'active_users';
  }
}

/** Metrics whose per-group values add up to the whole (shares make sense for these). */
export const ADDITIVE_METRICS = new Set<UsageMetric>([
  UsageMetric.REQUESTS,
  UsageMetric.SUCCESSES,
  UsageMetric.ERRORS,
  UsageMetric.INPUT_TOKENS,
  UsageMetric.OUTPUT_TOKENS,
  UsageMetric.CACHE_READ_TOKENS,
  UsageMetric.CACHE_WRITE_TOKENS,
  UsageMetric.TOTAL_TOKENS,
  UsageMetric.TOKENS_PER_MINUTE,
  UsageMetric.INPUT_TOKENS_PER_MINUTE,
  UsageMetric.OUTPUT_TOKENS_PER_MINUTE,
  UsageMetric.COST,
  UsageMetric.CREDITS,
]);

/** What each metric is computed from, beyond the request count every read returns. */
const METRIC_MEASURES: Record<UsageMetric, Measure[]> = {
  [UsageMetric.REQUESTS]: [],
  [UsageMetric.SUCCESSES]: ['successes'],
  [UsageMetric.ERRORS]: ['errors'],
  [UsageMetric.SUCCESS_RATE]: ['successes'],
  [UsageMetric.INPUT_TOKENS]: ['inputTokens'],
  [UsageMetric.OUTPUT_TOKENS]: ['outputTokens'],
  [UsageMetric.CACHE_READ_TOKENS]: ['cacheReadTokens'],
  [UsageMetric.CACHE_WRITE_TOKENS]: ['cacheWriteTokens'],
  [UsageMetric.TOTAL_TOKENS]: ['inputTokens', 'outputTokens'],
  [UsageMetric.TOKENS_PER_MINUTE]: ['inputTokens', 'outputTokens'],
  [UsageMetric.INPUT_TOKENS_PER_MINUTE]: ['inputTokens'],
  [UsageMetric.OUTPUT_TOKENS_PER_MINUTE]: ['outputTokens'],
  [UsageMetric.LATENCY_P50]: ['latency'],
  [UsageMetric.LATENCY_P95]: ['latency'],
  [UsageMetric.LATENCY_P99]: ['latency'],
  [UsageMetric.COST]: ['cost'],
  [UsageMetric.CREDITS]: ['credits'],
  [UsageMetric.ACTIVE_USERS]: ['activeUsers'],
};

/** The measures a read must compute for these metrics: each one left out is work the engine skips. */
export function measuresFor(metrics: UsageMetric[], extra: Measure[] = []): Set<Measure> {
  return new Set([...metrics.flatMap((m) => METRIC_MEASURES[m]), ...extra]);
}
