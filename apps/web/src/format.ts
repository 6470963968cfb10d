const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : integer.format(value);
}

export function formatDecimal(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : decimal.format(value);
}

export function formatPercent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '–' : `${decimal.format(ratio * 100)} %`;
}

export function formatMs(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${integer.format(value)} ms`;
}

/**
 * Money is the API's exact decimal string, shown as it is: trailing zeros past two decimals
 * dropped by string work, never through a float.
 */
export function formatMoney(amount: string): string {
  const [whole, fraction = ''] = amount.split('.');
  const kept = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${whole}.${kept}`;
}

export function formatTime(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleString('en-GB', { timeZone, dateStyle: 'short', timeStyle: 'medium' });
}
