/** The additive facts every metric is derived from, for one group. */
export interface UsageTotals {
  requests: number;
  successes: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cost: string;
  credits: string;
  activeUsers: number;
  latency: [number, number, number] | null;
  /** time to first token p50, p95, p99 over the calls that recorded one; null when none did */
  ttft: [number, number, number] | null;
  businessCalls: number;
  internalCalls: number;
}

export interface UsageGroup extends UsageTotals {
  bucket?: number;
  key?: string;
  secondKey?: string;
}

export const EMPTY_TOTALS: UsageTotals = {
  requests: 0,
  successes: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  cost: '0',
  credits: '0',
  activeUsers: 0,
  latency: null,
  ttft: null,
  businessCalls: 0,
  internalCalls: 0,
};

/** Exact decimal text without trailing zeros ("12.5", "0"). */
export function normalizeDecimal(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/\.?0+$/, '') || '0';
}
