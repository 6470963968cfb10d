import { UsageMetric } from './dto/usage-enums';
import type { Measure } from './catalog';
import type { UsageTotals } from './usage-totals';

interface MetricDefinition {
  /** what it is computed from, beyond the request count every read returns */
  measures: Measure[];
  /** its value for a group's totals; per-minute rates divide by the minutes the group spans */
  value: (t: UsageTotals, minutes: number) => number | null;
  /**
   * the same in SQL over an aggregated row's columns, for ranking in the engine; per-minute
   * rates are left undivided (the same minutes for every group: the same order)
   */
  sql: string;
  /** per-group values add up to the whole, so shares make sense */
  additive: boolean;
}

const METRICS: Record<UsageMetric, MetricDefinition> = {
  [UsageMetric.REQUESTS]: { measures: [], value: (t) => t.requests, sql: 'requests', additive: true },
  [UsageMetric.SUCCESSES]: { measures: ['successes'], value: (t) => t.successes, sql: 'successes', additive: true },
  [UsageMetric.ERRORS]: { measures: ['errors'], value: (t) => t.errors, sql: 'errors', additive: true },
  [UsageMetric.SUCCESS_RATE]: {
    measures: ['successes'],
    value: (t) => (t.requests > 0 ? t.successes / t.requests : null),
    sql: 'if(requests > 0, successes / requests, NULL)',
    additive: false,
  },
  [UsageMetric.INPUT_TOKENS]: {
    measures: ['inputTokens'],
    value: (t) => t.inputTokens,
    sql: 'input_tokens',
    additive: true,
  },
  [UsageMetric.OUTPUT_TOKENS]: {
    measures: ['outputTokens'],
    value: (t) => t.outputTokens,
    sql: 'output_tokens',
    additive: true,
  },
  [UsageMetric.REASONING_TOKENS]: {
    measures: ['reasoningTokens'],
    value: (t) => t.reasoningTokens,
    sql: 'reasoning_tokens',
    additive: true,
  },
  [UsageMetric.CACHE_READ_TOKENS]: {
    measures: ['cacheReadTokens'],
    value: (t) => t.cacheReadTokens,
    sql: 'cache_read_tokens',
    additive: true,
  },
  [UsageMetric.CACHE_WRITE_TOKENS]: {
    measures: ['cacheWriteTokens'],
    value: (t) => t.cacheWriteTokens,
    sql: 'cache_write_tokens',
    additive: true,
  },
  [UsageMetric.TOTAL_TOKENS]: {
    measures: ['inputTokens', 'outputTokens'],
    value: (t) => t.inputTokens + t.outputTokens,
    sql: 'input_tokens + output_tokens',
    additive: true,
  },
  [UsageMetric.TOKENS_PER_MINUTE]: {
    measures: ['inputTokens', 'outputTokens'],
    value: (t, minutes) => (t.inputTokens + t.outputTokens) / minutes,
    sql: 'input_tokens + output_tokens',
    additive: true,
  },
  [UsageMetric.INPUT_TOKENS_PER_MINUTE]: {
    measures: ['inputTokens'],
    value: (t, minutes) => t.inputTokens / minutes,
    sql: 'input_tokens',
    additive: true,
  },
  [UsageMetric.OUTPUT_TOKENS_PER_MINUTE]: {
    measures: ['outputTokens'],
    value: (t, minutes) => t.outputTokens / minutes,
    sql: 'output_tokens',
    additive: true,
  },
  [UsageMetric.LATENCY_P50]: {
    measures: ['latency'],
    value: (t) => t.latency?.[0] ?? null,
    sql: 'if(requests > 0, latency_q[1], NULL)',
    additive: false,
  },
  [UsageMetric.LATENCY_P95]: {
    measures: ['latency'],
    value: (t) => t.latency?.[1] ?? null,
    sql: 'if(requests > 0, latency_q[2], NULL)',
    additive: false,
  },
  [UsageMetric.LATENCY_P99]: {
    measures: ['latency'],
    value: (t) => t.latency?.[2] ?? null,
    sql: 'if(requests > 0, latency_q[3], NULL)',
    additive: false,
  },
  // the same double JS parses from the decimal text
  [UsageMetric.COST]: {
    measures: ['cost'],
    value: (t) => Number(t.cost),
    sql: 'toFloat64(cost_total)',
    additive: true,
  },
  [UsageMetric.CREDITS]: {
    measures: ['credits'],
    value: (t) => Number(t.credits),
    sql: 'toFloat64(credits_total)',
    additive: true,
  },
  [UsageMetric.ACTIVE_USERS]: {
    measures: ['activeUsers'],
    value: (t) => t.activeUsers,
    sql: 'active_users',
    additive: false,
  },
  // status is success or error: 1 - SUCCESS_RATE, kept apart so error charts need no arithmetic
  [UsageMetric.ERROR_RATE]: {
    measures: ['errors'],
    value: (t) => (t.requests > 0 ? t.errors / t.requests : null),
    sql: 'if(requests > 0, errors / requests, NULL)',
    additive: false,
  },
  [UsageMetric.TTFT_P50]: ttftMetric(0),
  [UsageMetric.TTFT_P95]: ttftMetric(1),
  [UsageMetric.TTFT_P99]: ttftMetric(2),
};

/** A time-to-first-token quantile: null for a group where no call recorded one (an empty digest's NaN). */
function ttftMetric(index: 0 | 1 | 2): MetricDefinition {
  return {
    measures: ['ttft'],
    value: (t) => t.ttft?.[index] ?? null,
    sql: `if(isNaN(ttft_q[${index + 1}]), NULL, ttft_q[${index + 1}])`,
    additive: false,
  };
}

export function metricValue(t: UsageTotals, metric: UsageMetric, minutes: number): number | null {
  return METRICS[metric].value(t, minutes);
}

export function metricExpression(metric: UsageMetric): string {
  return METRICS[metric].sql;
}

export function isAdditive(metric: UsageMetric): boolean {
  return METRICS[metric].additive;
}

/** The measures a read must compute for these metrics: each one left out is work the engine skips. */
export function measuresFor(metrics: UsageMetric[], extra: Measure[] = []): Set<Measure> {
  return new Set([...metrics.flatMap((m) => METRICS[m].measures), ...extra]);
}
