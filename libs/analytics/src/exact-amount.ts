/**
 * Exact arithmetic on amounts as the engine stores them (Decimal(38, 15)), in integer units of
 * 10^-15: never through a double, which holds 15-17 significant digits and so loses the last
 * places of a month of cost.
 */
export const AMOUNT_SCALE = 15;
const UNIT = 10n ** BigInt(AMOUNT_SCALE);
const AMOUNT_PATTERN = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Decimal text (at most 15 decimals, as the engine answers) as units of 10^-15. */
export function toUnits(text: string): bigint {
  const match = AMOUNT_PATTERN.exec(text);
  if (!match || (match[3]?.length ?? 0) > AMOUNT_SCALE) throw new Error(`not an amount: ${JSON.stringify(text)}`);
  const units = BigInt(match[2]) * UNIT + BigInt((match[3] ?? '').padEnd(AMOUNT_SCALE, '0'));
  return match[1] ? -units : units;
}

/** Units of 10^-15 as decimal text without trailing zeros ("12.5", "0"). */
export function fromUnits(units: bigint): string {
  const sign = units < 0n ? '-' : '';
  const abs = units < 0n ? -units : units;
  const fraction = (abs % UNIT).toString().padStart(AMOUNT_SCALE, '0').replace(/0+$/, '');
  return `${sign}${abs / UNIT}${fraction ? `.${fraction}` : ''}`;
}

/** The smallest and the largest of some amounts (null for none), compared exactly. */
export function amountRange(amounts: string[]): { min: string | null; max: string | null } {
  if (amounts.length === 0) return { min: null, max: null };
  let min = toUnits(amounts[0]);
  let max = min;
  for (const text of amounts.slice(1)) {
    const units = toUnits(text);
    if (units < min) min = units;
    if (units > max) max = units;
  }
  return { min: fromUnits(min), max: fromUnits(max) };
}

/**
 * The mean of some amounts (null for none): their exact sum divided by their count, rounded to
 * 15 decimals (the scale amounts are stored at) half to even, so rounding favours neither side
 * over many averages.
 */
export function averageAmount(amounts: string[]): string | null {
  if (amounts.length === 0) return null;
  const sum = amounts.reduce((s, text) => s + toUnits(text), 0n);
  const n = BigInt(amounts.length);
  const negative = sum < 0n;
  const abs = negative ? -sum : sum;
  let quotient = abs / n;
  const twiceRemainder = (abs % n) * 2n;
  if (twiceRemainder > n || (twiceRemainder === n && quotient % 2n === 1n)) quotient += 1n;
  return fromUnits(negative ? -quotient : quotient);
}

/** The exact sum of some amounts. */
export function sumAmounts(amounts: string[]): string {
  return fromUnits(amounts.reduce((s, text) => s + toUnits(text), 0n));
}
