import { COST_SCALE } from './cost-calculator';

const AMOUNT = /^(-?)(\d+)(?:\.(\d+))?$/;

/** An exact amount (ClickHouse Decimal(38, 15) or Postgres numeric text) as a count of 10^-15. */
export function toAmountUnits(text: string): bigint {
  const match = AMOUNT.exec(text.trim());
  if (!match || (match[3]?.length ?? 0) > COST_SCALE) throw new Error(`not an amount: ${JSON.stringify(text)}`);
  const units = BigInt(match[2] + (match[3] ?? '').padEnd(COST_SCALE, '0'));
  return match[1] ? -units : units;
}

/** A count of 10^-15 as exact decimal text without trailing zeros ("12.5", "-0.001", "0"). */
export function fromAmountUnits(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(COST_SCALE + 1, '0');
  const fraction = digits.slice(-COST_SCALE).replace(/0+$/, '');
  const whole = digits.slice(0, -COST_SCALE);
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
