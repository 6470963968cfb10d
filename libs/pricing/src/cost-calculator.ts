import type { PricingMeasureColumn } from '@app/catalog';

export const COST_SCALE = 15;
/** Prices carry at most 9 decimals (numeric(20,9) in Postgres). */
export const PRICE_SCALE = 9;

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

interface ScaledRates {
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  cacheWrite: bigint;
}

/** A price as stored: a non-negative decimal with at most 11 integer digits and 9 decimals. */
export const PRICE_PATTERN = /^(\d{1,11})(?:\.(\d{1,9}))?$/;

/** A non-negative decimal string as an integer count of 10^-9. */
export function parseScaledPrice(text: string): bigint {
  const match = PRICE_PATTERN.exec(text.trim());
  if (!match) throw new Error(`not a price with at most ${PRICE_SCALE} decimals: ${JSON.stringify(text)}`);
  return BigInt(match[1] + (match[2] ?? '').padEnd(PRICE_SCALE, '0'));
}

function formatScaled(value: bigint, scale: number): string {
  const digits = value.toString().padStart(scale + 1, '0');
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

const scaledCache = new Map<string, ScaledRates>();

function scaled(rates: PriceRates): ScaledRates {
  const key = [
    rates.inputPerMillion,
    rates.outputPerMillion,
    rates.cacheReadPerMillion,
    rates.cacheWritePerMillion,
  ].join('|');
  let found = scaledCache.get(key);
  if (!found) {
    const input = parseScaledPrice(rates.inputPerMillion);
    found = {
      input,
      output: parseScaledPrice(rates.outputPerMillion),
      cacheRead: rates.cacheReadPerMillion === null ? input : parseScaledPrice(rates.cacheReadPerMillion),
      cacheWrite: rates.cacheWritePerMillion === null ? input : parseScaledPrice(rates.cacheWritePerMillion),
    };
    if (scaledCache.size > 10_000) scaledCache.clear();
    scaledCache.set(key, found);
  }
  return found;
}

/** What pricing writes on a call's row: every pricing measure of the catalogue, exact decimal text. */
export type CallAmounts = Record<PricingMeasureColumn, string>;

/** The amounts of a call of a model with no price in force: all zero (and the row says `priced = false`). */
export const UNPRICED_AMOUNTS: CallAmounts = {
  cost: '0',
  credits: '0',
  input_cost: '0',
  output_cost: '0',
  cache_read_cost: '0',
  cache_write_cost: '0',
};

/**
 * cost = (input − cache_read − cache_write) × input price + cache_read × cache-read price
 *      + cache_write × cache-write price + output × output price, prices per million tokens;
 * a missing cache price charges those tokens at the input price. The four products are the
 * line items (input, cache read, cache write, output); cost is their sum.
 *
 * Exact integer arithmetic: a price in units of 10^-9 per million tokens times a token count is
 * the cost in units of 10^-15, so the result needs no rounding at COST_SCALE digits, and the line
 * items add up to the cost exactly.
 */
export function computeCost(tokens: TokenCounts, rates: PriceRates, creditsPerUnit: number): CallAmounts {
  const r = scaled(rates);
  const input = BigInt(tokens.input_tokens - tokens.cache_read_tokens - tokens.cache_write_tokens) * r.input;
  const cacheRead = BigInt(tokens.cache_read_tokens) * r.cacheRead;
  const cacheWrite = BigInt(tokens.cache_write_tokens) * r.cacheWrite;
  const output = BigInt(tokens.output_tokens) * r.output;
  const cost = input + cacheRead + cacheWrite + output;
  return {
    cost: formatScaled(cost, COST_SCALE),
    credits: formatScaled(cost * BigInt(creditsPerUnit), COST_SCALE),
    input_cost: formatScaled(input, COST_SCALE),
    output_cost: formatScaled(output, COST_SCALE),
    cache_read_cost: formatScaled(cacheRead, COST_SCALE),
    cache_write_cost: formatScaled(cacheWrite, COST_SCALE),
  };
}
