import {
  camelName,
  Measure,
  isCurrencyAmount,
  isDecimal,
  SUMMED_COLUMNS,
  SummedColumn,
  SummedMeasure,
  SummedMetric,
  UsageMetric,
} from '@app/catalog';
import { BadUserInputError } from '@app/errors';
import { summedOutput } from './query/measure-sql';
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
  /** not computed from a group's totals but from the raw calls over time (ConcurrencyRead): trends only */
  overTime?: true;
  /** an exact decimal measure (cost, credits, line items): its exact text for a group's totals */
  amount?: (t: UsageTotals) => string;
  /** an amount of the deployment's currency (credits are not) */
  inCurrency?: boolean;
}

/**
 * A summed measure's metric is its sum: for a group, its total (a decimal as the same double JS
 * parses from its text); in SQL, the read's output column.
 */
function summedMetric(column: SummedColumn): MetricDefinition {
  const name = camelName(column);
  const decimal = isDecimal(column);
  return {
    measures: column === 'requests' ? [] : [name as SummedMeasure],
    value: decimal ? (t) => Number(t[name]) : (t) => t[name] as number,
    sql: decimal ? `toFloat64(${summedOutput(column)})` : summedOutput(column),
    additive: true,
    ...(decimal ? { amount: (t: UsageTotals) => t[name] as string, inCurrency: isCurrencyAmount(column) } : {}),
  };
}

const SUMMED_METRICS = Object.fromEntries(SUMMED_COLUMNS.map((m) => [m.toUpperCase(), summedMetric(m)])) as Record<
  SummedMetric,
  MetricDefinition
>;

const METRICS: Record<UsageMetric, MetricDefinition> = {
  ...SUMMED_METRICS,
  [UsageMetric.SUCCESS_RATE]: {
    measures: ['successes'],
    value: (t) => (t.requests > 0 ? t.successes / t.requests : null),
    sql: 'if(requests > 0, successes / requests, NULL)',
    additive: false,
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
  // a peak over time, read by ConcurrencyRead: a group's totals do not hold it
  [UsageMetric.CONCURRENCY]: {
    measures: [],
    value: () => null,
    sql: 'NULL',
    additive: false,
    overTime: true,
  },
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

/** Whether a metric is a peak over time read from raw calls (CONCURRENCY), not a value of a group's totals. */
export function isOverTime(metric: UsageMetric): boolean {
  return METRICS[metric].overTime === true;
}

/** Refuses a metric that a group's totals cannot answer, where only totals are read (rankings, sorting). */
export function assertFromTotals(metric: UsageMetric, argument: string): void {
  if (isOverTime(metric)) {
    throw new BadUserInputError(`${argument}: ${metric} is a peak over time, asked for in usageTrend only`);
  }
}

export function metricExpression(metric: UsageMetric): string {
  return METRICS[metric].sql;
}

/** A money metric's exact value for a group (decimal text), or undefined for a metric that is not money. */
export function metricAmount(t: UsageTotals, metric: UsageMetric): string | undefined {
  return METRICS[metric].amount?.(t);
}

/** Whether a metric is money: an exact decimal measure (cost, its line items, credits). */
export function isMoneyMetric(metric: UsageMetric): boolean {
  return METRICS[metric].amount !== undefined;
}

/** Whether a metric is an amount of the deployment's currency. */
export function isCurrencyMetric(metric: UsageMetric): boolean {
  return METRICS[metric].inCurrency === true;
}

export function isAdditive(metric: UsageMetric): boolean {
  return METRICS[metric].additive;
}

/** The measures a read must compute for these metrics: each one left out is work the engine skips. */
export function measuresFor(metrics: UsageMetric[], extra: Measure[] = []): Set<Measure> {
  return new Set([...metrics.flatMap((m) => METRICS[m].measures), ...extra]);
}
