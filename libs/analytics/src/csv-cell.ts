const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * A decimal the engine printed (cost, credits): a number kept as text so that no cent is lost.
 * Its type, not its text, is what exempts it from formula neutralisation, so it is checked here.
 */
export class DecimalCell {
  constructor(readonly text: string) {
    if (!DECIMAL_TEXT.test(text)) throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
  }
}

export type CsvValue = string | number | bigint | DecimalCell | null | undefined;

// a spreadsheet reads a cell starting with one of these as a formula (OWASP CSV injection)
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\n\r]/;

/**
 * One CSV cell: text that a spreadsheet would run as a formula gets a leading `'`; numbers
 * (by type: a number, bigint or DecimalCell) stay as they are, so `-1.5` remains a number;
 * then quoting as RFC 4180 needs. Names of teams, keys, services, models and users come from
 * callers, so every text cell goes through here.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof DecimalCell) return value.text;
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (values: CsvValue[]): string => values.map(csvCell).join(',') + '\n';
