import { registerEnumType } from '@nestjs/graphql';
import { SUMMED_COLUMNS, SummedColumn } from './measures';

export enum Granularity {
  MINUTE = 'MINUTE',
  FIVE_MINUTES = 'FIVE_MINUTES',
  HOUR = 'HOUR',
  DAY = 'DAY',
}
registerEnumType(Granularity, { name: 'Granularity' });

export enum UsageDimension {
  TEAM = 'TEAM',
  USER = 'USER',
  API_KEY = 'API_KEY',
  SERVICE = 'SERVICE',
  MODEL = 'MODEL',
  MODEL_TYPE = 'MODEL_TYPE',
  SOURCE = 'SOURCE',
}
registerEnumType(UsageDimension, { name: 'UsageDimension' });

/** The metrics computed from several measures, or other than as a measure's sum. */
export enum ComputedUsageMetric {
  SUCCESS_RATE = 'SUCCESS_RATE',
  TOTAL_TOKENS = 'TOTAL_TOKENS',
  TOKENS_PER_MINUTE = 'TOKENS_PER_MINUTE',
  INPUT_TOKENS_PER_MINUTE = 'INPUT_TOKENS_PER_MINUTE',
  OUTPUT_TOKENS_PER_MINUTE = 'OUTPUT_TOKENS_PER_MINUTE',
  LATENCY_P50 = 'LATENCY_P50',
  LATENCY_P95 = 'LATENCY_P95',
  LATENCY_P99 = 'LATENCY_P99',
  ACTIVE_USERS = 'ACTIVE_USERS',
  ERROR_RATE = 'ERROR_RATE',
  /** named by anomalies; usage reads answer it once the rollups keep TTFT (see usage-metrics.ts) */
  TTFT_P95 = 'TTFT_P95',
}

/** The metric of each summed measure is its sum, named by its upper-case column (REASONING_TOKENS). */
export type SummedMetric = Uppercase<SummedColumn>;

const SUMMED_METRICS = Object.fromEntries(SUMMED_COLUMNS.map((m) => [m.toUpperCase(), m.toUpperCase()])) as {
  [K in SummedMetric]: K;
};

export const UsageMetric = { ...SUMMED_METRICS, ...ComputedUsageMetric };
export type UsageMetric = (typeof UsageMetric)[keyof typeof UsageMetric];
registerEnumType(UsageMetric, { name: 'UsageMetric' });
