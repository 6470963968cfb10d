import Decimal from 'decimal.js';

export const COST_SCALE = 15;

export interface TokenCounts {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
}

export interface PriceRates {
  inputPerMillion: string;
  outputPerMillion: string;
  cacheReadPerMillion: string | null;
  cacheWritePerMillion: string | null;
}

const Exact = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });
const MILLION = new Exact(1_000_000);

/**
 * cost = (input − cache_read − cache_write) × input price + cache_read × cache-read price
 *      + cache_write × cache-write price + output × output price, prices per million tokens;
 * a missing cache price charges those tokens at the input price. Exact decimal arithmetic;
 * the result is a decimal string with COST_SCALE digits, as stored in ClickHouse.
 */
export function computeCost(tokens: TokenCounts, rates: PriceRates, creditsPerUnit: number): { cost: string; credits: string } {
  const input = new Exact(rates.inputPerMillion);
  const cacheRead = rates.cacheReadPerMillion === null ? input : new Exact(rates.cacheReadPerMillion);
  const cacheWrite = rates.cacheWritePerMillion === null ? input : new Exact(rates.cacheWritePerMillion);
  const uncached = tokens.input_tokens - tokens.cache_read_tokens - tokens.cache_write_tokens;
  const cost = input
    .mul(uncached)
    .plus(cacheRead.mul(tokens.cache_read_tokens))
    .plus(cacheWrite.mul(tokens.cache_write_tokens))
    .plus(new Exact(rates.outputPerMillion).mul(tokens.output_tokens))
    .div(MILLION);
  return {
    cost: cost.toFixed(COST_SCALE),
    credits: cost.mul(creditsPerUnit).toFixed(COST_SCALE),
  };
}
