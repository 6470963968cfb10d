import { BadUserInputError } from '@app/errors';
import {
  camelName,
  Measure,
  isDecimal,
  SUMMED_COLUMNS,
  SummedColumn,
  SummedMeasure,
  SummedMetric,
  UsageMetric,
} from '@app/catalog';
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
  };
}

const SUMMED_METRICS = Object.fromEntries(SUMMED_COLUMNS.map((m) => [m.toUpperCase(), summedMetric(m)])) as Record<
  SummedMetric,
  MetricDefinition
>;

/**
 * TTFT is not in the rollups yet (their TTFT quantile state comes with the error analytics
 * work); until then usage reads refuse it by name, and only the anomaly detector reads it (from
 * raw events).
 */
type ReadableMetric = Exclude<UsageMetric, typeof UsageMetric.TTFT_P95>;

function definition(metric: UsageMetric): MetricDefinition {
  if (metric === UsageMetric.TTFT_P95) {
    throw new BadUserInputError('TTFT_P95: usage reads do not keep time to first token yet; anomalies report it');
  }
  return METRICS[metric];
}

const METRICS: Record<ReadableMetric, MetricDefinition> = {
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
  [UsageMetric.ERROR_RATE]: {
    measures: ['errors'],
    value: (t) => (t.requests > 0 ? t.errors / t.requests : null),
    sql: 'if(requests > 0, errors / requests, NULL)',
    additive: false,
  },
};

export function metricValue(t: UsageTotals, metric: UsageMetric, minutes: number): number | null {
  return definition(metric).value(t, minutes);
}

export function metricExpression(metric: UsageMetric): string {
  return definition(metric).sql;
}

export function isAdditive(metric: UsageMetric): boolean {
  return definition(metric).additive;
}

/** The measures a read must compute for these metrics: each one left out is work the engine skips. */
export function measuresFor(metrics: UsageMetric[], extra: Measure[] = []): Set<Measure> {
  return new Set([...metrics.flatMap((m) => definition(m).measures), ...extra]);
}
