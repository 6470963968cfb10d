import Decimal from 'decimal.js';
import { computeCost } from './cost-calculator';

const tokens = {
  input_tokens: 1_000_000,
  output_tokens: 500_000,
  cache_read_tokens: 200_000,
  cache_write_tokens: 100_000,
};

describe('computeCost', () => {
  it('prices uncached input, cache reads, cache writes and output separately', () => {
    const { cost, credits } = computeCost(
      tokens,
      { inputPerMillion: '0.55', outputPerMillion: '2.19', cacheReadPerMillion: '0.14', cacheWritePerMillion: '0.70' },
      100,
    );
    // 0.7 × 0.55 + 0.2 × 0.14 + 0.1 × 0.70 + 0.5 × 2.19 = 0.385 + 0.028 + 0.07 + 1.095
    expect(cost).toBe('1.578000000000000');
    expect(credits).toBe('157.800000000000000');
  });

  it('charges cache tokens at the input price when the model has no cache price', () => {
    const { cost } = computeCost(
      tokens,
      { inputPerMillion: '1', outputPerMillion: '2', cacheReadPerMillion: null, cacheWritePerMillion: null },
      100,
    );
    expect(cost).toBe('2.000000000000000');
  });

  it('is exact where binary floating point is not', () => {
    const { cost } = computeCost(
      { input_tokens: 3, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 },
      { inputPerMillion: '0.1', outputPerMillion: '0', cacheReadPerMillion: null, cacheWritePerMillion: null },
      100,
    );
    expect(cost).toBe('0.000000300000000');
    expect((0.1 * 3) / 1e6).not.toBe(3e-7);
  });
});

describe('computeCost agrees with decimal arithmetic', () => {
  // an independent reference: the formula in arbitrary-precision decimals
  const rand = (n: number) => Math.floor(Math.random() * n);
  const price = () => `${rand(100)}.${String(rand(1e9)).padStart(9, '0')}`;

  it('on 2,000 random token counts and prices', () => {
    for (let i = 0; i < 2000; i++) {
      const input = rand(10_000_000);
      const cacheRead = rand(input + 1);
      const cacheWrite = rand(input - cacheRead + 1);
      const t = {
        input_tokens: input,
        output_tokens: rand(1_000_000),
        cache_read_tokens: cacheRead,
        cache_write_tokens: cacheWrite,
      };
      const rates = {
        inputPerMillion: price(),
        outputPerMillion: price(),
        cacheReadPerMillion: i % 3 ? price() : null,
        cacheWritePerMillion: i % 5 ? price() : null,
      };
      const inP = new Decimal(rates.inputPerMillion);
      const expected = inP
        .mul(input - cacheRead - cacheWrite)
        .plus(new Decimal(rates.cacheReadPerMillion ?? rates.inputPerMillion).mul(cacheRead))
        .plus(new Decimal(rates.cacheWritePerMillion ?? rates.inputPerMillion).mul(cacheWrite))
        .plus(new Decimal(rates.outputPerMillion).mul(t.output_tokens))
        .div(1_000_000);
      const amounts = computeCost(t, rates, 100);
      expect(amounts.cost).toBe(expected.toFixed(15));
      expect(amounts.credits).toBe(expected.mul(100).toFixed(15));
      // each line item is its own product, and the four add up to the cost exactly
      const items = [amounts.input_cost, amounts.output_cost, amounts.cache_read_cost, amounts.cache_write_cost];
      expect(amounts.cache_read_cost).toBe(
        new Decimal(rates.cacheReadPerMillion ?? rates.inputPerMillion).mul(cacheRead).div(1e6).toFixed(15),
      );
      expect(amounts.output_cost).toBe(new Decimal(rates.outputPerMillion).mul(t.output_tokens).div(1e6).toFixed(15));
      expect(items.reduce((sum, item) => sum.plus(item), new Decimal(0)).toFixed(15)).toBe(amounts.cost);
    }
  });

  it('refuses a price with more than 9 decimals', () => {
    expect(() =>
      computeCost(
        { input_tokens: 1, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 },
        {
          inputPerMillion: '0.0000000001',
          outputPerMillion: '0',
          cacheReadPerMillion: null,
          cacheWritePerMillion: null,
        },
        100,
      ),
    ).toThrow(/at most 9 decimals/);
  });
});
