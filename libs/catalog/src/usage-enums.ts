import { registerEnumType } from '@nestjs/graphql';
import { SUMMED_COLUMNS, SummedColumn } from './measures';

export enum Granularity {
  MINUTE = 'MINUTE',
  FIVE_MINUTES = 'FIVE_MINUTES',
  HOUR = 'HOUR',
  DAY = 'DAY',
  /** calendar months in the caller's zone (finance reports) */
  MONTH = 'MONTH',
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
  HTTP_STATUS = 'HTTP_STATUS',
  ERROR_CODE = 'ERROR_CODE',
  TAG = 'TAG',
}
registerEnumType(UsageDimension, {
  name: 'UsageDimension',
  valuesMap: {
    HTTP_STATUS: { description: 'The HTTP status of the call; key "0" groups calls that recorded none' },
    ERROR_CODE: { description: 'The error code of the call; key "" groups calls that recorded none' },
    TAG: {
      description:
        'Each tag of a call: a call with two tags counts once in each of their groups, an untagged call in none',
    },
  },
});

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
  TTFT_P50 = 'TTFT_P50',
  TTFT_P95 = 'TTFT_P95',
  TTFT_P99 = 'TTFT_P99',
  CONCURRENCY = 'CONCURRENCY',
}

/** The metric of each summed measure is its sum, named by its upper-case column (REASONING_TOKENS). */
export type SummedMetric = Uppercase<SummedColumn>;

const SUMMED_METRICS = Object.fromEntries(SUMMED_COLUMNS.map((m) => [m.toUpperCase(), m.toUpperCase()])) as {
  [K in SummedMetric]: K;
};

const TTFT = 'Time to first token (ms), over the calls that recorded one; null where none did';

export const UsageMetric = { ...SUMMED_METRICS, ...ComputedUsageMetric };
export type UsageMetric = (typeof UsageMetric)[keyof typeof UsageMetric];
registerEnumType(UsageMetric, {
  name: 'UsageMetric',
  valuesMap: {
    ERROR_RATE: { description: 'errors / requests (1 - SUCCESS_RATE); null where there were no requests' },
    TTFT_P50: { description: TTFT },
    TTFT_P95: { description: TTFT },
    TTFT_P99: { description: TTFT },
    CONCURRENCY: {
      description:
        'The most calls in flight at once within each bucket: a call is in flight from occurred_at (its start) for ' +
        'latency_ms. Read from raw events (90 days); usageTrend only',
    },
  },
});
