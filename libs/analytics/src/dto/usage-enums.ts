import { registerEnumType } from '@nestjs/graphql';

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

export enum UsageMetric {
  REQUESTS = 'REQUESTS',
  SUCCESSES = 'SUCCESSES',
  ERRORS = 'ERRORS',
  SUCCESS_RATE = 'SUCCESS_RATE',
  INPUT_TOKENS = 'INPUT_TOKENS',
  OUTPUT_TOKENS = 'OUTPUT_TOKENS',
  REASONING_TOKENS = 'REASONING_TOKENS',
  CACHE_READ_TOKENS = 'CACHE_READ_TOKENS',
  CACHE_WRITE_TOKENS = 'CACHE_WRITE_TOKENS',
  TOTAL_TOKENS = 'TOTAL_TOKENS',
  TOKENS_PER_MINUTE = 'TOKENS_PER_MINUTE',
  INPUT_TOKENS_PER_MINUTE = 'INPUT_TOKENS_PER_MINUTE',
  OUTPUT_TOKENS_PER_MINUTE = 'OUTPUT_TOKENS_PER_MINUTE',
  LATENCY_P50 = 'LATENCY_P50',
  LATENCY_P95 = 'LATENCY_P95',
  LATENCY_P99 = 'LATENCY_P99',
  COST = 'COST',
  CREDITS = 'CREDITS',
  ACTIVE_USERS = 'ACTIVE_USERS',
  ERROR_RATE = 'ERROR_RATE',
  TTFT_P50 = 'TTFT_P50',
  TTFT_P95 = 'TTFT_P95',
  TTFT_P99 = 'TTFT_P99',
}
registerEnumType(UsageMetric, {
  name: 'UsageMetric',
  valuesMap: {
    ERROR_RATE: { description: 'errors / requests (1 - SUCCESS_RATE); null where there were no requests' },
    TTFT_P50: { description: 'Time to first token (ms), over the calls that recorded one; null where none did' },
    TTFT_P95: { description: 'Time to first token (ms), over the calls that recorded one; null where none did' },
    TTFT_P99: { description: 'Time to first token (ms), over the calls that recorded one; null where none did' },
  },
});
