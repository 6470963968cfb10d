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
}
registerEnumType(UsageDimension, { name: 'UsageDimension' });

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
}
registerEnumType(UsageMetric, { name: 'UsageMetric' });
