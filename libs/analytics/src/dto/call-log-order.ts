import { registerEnumType } from '@nestjs/graphql';

/** What a call log is sorted by; ties fall back to time, then event id, so pages never skip or repeat. */
export enum CallLogOrder {
  OCCURRED_AT = 'OCCURRED_AT',
  LATENCY = 'LATENCY',
  TTFT = 'TTFT',
  COST = 'COST',
  TOTAL_TOKENS = 'TOTAL_TOKENS',
}
registerEnumType(CallLogOrder, {
  name: 'CallLogOrder',
  valuesMap: {
    TTFT: { description: 'time to first token; calls without one come last in either direction' },
    TOTAL_TOKENS: { description: 'input plus output tokens' },
  },
});
