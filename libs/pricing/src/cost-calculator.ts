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

/**
 * cost = (input − cache_read − cache_write) × input price + cache_read × cache-read price
 *      + cache_write × cache-write price + output × output price, prices per million tokens;
 * a missing cache price charges those tokens at the input price.
 *
 * Exact integer arithmetic: a price in units of 10^-9 per million tokens times a token count is
 * the cost in units of 10^-15, so the result needs no rounding at COST_SCALE digits.
 */
export function computeCost(
  tokens: TokenCounts,
  rates: PriceRates,
  creditsPerUnit: number,
): { cost: string; credits: string } {
  const r = scaled(rates);
  const uncached = BigInt(tokens.input_tokens - tokens.cache_read_tokens - tokens.cache_write_tokens);
  const cost =
    uncached * r.input +
    BigInt(tokens.cache_read_tokens) * r.cacheRead +
    BigInt(tokens.cache_write_tokens) * r.cacheWrite +
    BigInt(tokens.output_tokens) * r.output;
  return { cost: formatScaled(cost, COST_SCALE), credits: formatScaled(cost * BigInt(creditsPerUnit), COST_SCALE) };
}

/**
 * What an event costs with the price in force at its time, or 0 when its model had none then (an
 * unpriced event): the one rule of ingest and repricing.
 */
export function priceTokens(
  tokens: TokenCounts,
  rates: PriceRates | undefined,
  creditsPerUnit: number,
): { cost: string; credits: string } {
  return rates ? computeCost(tokens, rates, creditsPerUnit) : { cost: '0', credits: '0' };
}
