import { amountRange, averageAmount, fromUnits, sumAmounts, toUnits } from './exact-amount';

describe('exact amounts', () => {
  it('reads and writes decimal text at 15 places without losing a digit', () => {
    // 20 significant digits: a double would answer 12345.678901234567 for this sum
    expect(sumAmounts(['12345.678901234567891', '0.000000000000001'])).toBe('12345.678901234567892');
    expect(fromUnits(toUnits('0.500000000000000'))).toBe('0.5');
    expect(fromUnits(toUnits('-3.25'))).toBe('-3.25');
    expect(fromUnits(0n)).toBe('0');
    expect(() => toUnits('1.0000000000000001')).toThrow('not an amount');
    expect(() => toUnits('1e3')).toThrow('not an amount');
  });

  it('compares exactly where doubles tie', () => {
    // both are the same double (9007199254740993 is not representable)
    expect(amountRange(['9007199254740993', '9007199254740992', '9007199254740993.000000000000001'])).toEqual({
      min: '9007199254740992',
      max: '9007199254740993.000000000000001',
    });
    expect(amountRange([])).toEqual({ min: null, max: null });
  });

  it('averages exactly, rounding the 16th place half to even', () => {
    expect(averageAmount(['1', '2'])).toBe('1.5');
    expect(averageAmount(['1', '0', '0'])).toBe('0.333333333333333');
    expect(averageAmount(['2', '0', '0'])).toBe('0.666666666666667');
    // exactly half a unit: to the even neighbour, down here and up below
    expect(averageAmount(['0.000000000000001', '0'])).toBe('0');
    expect(averageAmount(['0.000000000000003', '0'])).toBe('0.000000000000002');
    expect(averageAmount([])).toBeNull();
  });
});
