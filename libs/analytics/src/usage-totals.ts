import { camelName, isDecimal, SUMMED_COLUMNS, SummedTotals } from '@app/catalog';

/**
 * What every metric is derived from, for one group: the sum of each summed catalogue measure
 * under its camelCase name (exact decimals as text), distinct users, latency quantiles, and the
 * requests by origin.
 */
export type UsageTotals = SummedTotals & {
  activeUsers: number;
  latency: [number, number, number] | null;
  /** time to first token p50, p95, p99 over the calls that recorded one; null when none did */
  ttft: [number, number, number] | null;
  businessCalls: number;
  internalCalls: number;
};

export type UsageGroup = UsageTotals & {
  bucket?: number;
  key?: string;
  secondKey?: string;
};

export const EMPTY_TOTALS: UsageTotals = {
  ...(Object.fromEntries(SUMMED_COLUMNS.map((m) => [camelName(m), isDecimal(m) ? '0' : 0])) as SummedTotals),
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
