import { fromAmountUnits, toAmountUnits } from './exact-amount';

describe('exact amounts in units of 10^-15', () => {
  it('reads engine and Postgres text and writes it back without trailing zeros', () => {
    expect(toAmountUnits('1.5')).toBe(1_500_000_000_000_000n);
    expect(toAmountUnits('-0.000000000000001')).toBe(-1n);
    expect(toAmountUnits('12.340000000000000')).toBe(12_340_000_000_000_000n);
    expect(fromAmountUnits(12_340_000_000_000_000n)).toBe('12.34');
    expect(fromAmountUnits(-1n)).toBe('-0.000000000000001');
    expect(fromAmountUnits(0n)).toBe('0');
  });

  it('keeps 38 digits exact where a double would not', () => {
    const big = '99999999999999999999999.999999999999999';
    expect(fromAmountUnits(toAmountUnits(big) - toAmountUnits('0.000000000000001'))).toBe(
      '99999999999999999999999.999999999999998',
    );
  });

  it('refuses text that is no amount, or finer than 10^-15', () => {
    for (const text of ['', '1e5', '0.0000000000000001', 'NaN', '1.2.3']) {
      expect(() => toAmountUnits(text)).toThrow(/not an amount/);
    }
  });
});
