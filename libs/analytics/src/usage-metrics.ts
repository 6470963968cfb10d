import { UsageMetric } from './dto/usage-enums';
import type { StateMeasure, UsageTotals } from './usage-aggregator';

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

const LATENCY_METRICS = new Set<UsageMetric>([UsageMetric.LATENCY_P50, UsageMetric.LATENCY_P95, UsageMetric.LATENCY_P99]);

/** The aggregate states the metrics need: merging t-digests and uniq states is the costly part of a read. */
export function measuresFor(metrics: UsageMetric[]): Set<StateMeasure> {
  const measures = new Set<StateMeasure>();
  if (metrics.some((m) => LATENCY_METRICS.has(m))) measures.add('latency');
  if (metrics.includes(UsageMetric.ACTIVE_USERS)) measures.add('activeUsers');
  return measures;
}
