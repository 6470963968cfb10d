import { computeCost } from './cost-calculator';

const tokens = { input_tokens: 1_000_000, output_tokens: 500_000, cache_read_tokens: 200_000, cache_write_tokens: 100_000 };

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
    const { cost } = computeCost(tokens, { inputPerMillion: '1', outputPerMillion: '2', cacheReadPerMillion: null, cacheWritePerMillion: null }, 100);
    expect(cost).toBe('2.000000000000000');
  });

  it('is exact where binary floating point is not', () => {
    const { cost } = computeCost(
      { input_tokens: 3, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 },
      { inputPerMillion: '0.1', outputPerMillion: '0', cacheReadPerMillion: null, cacheWritePerMillion: null },
      100,
    );
    expect(cost).toBe('0.000000300000000');
    expect(0.1 * 3 / 1e6).not.toBe(3e-7);
  });
});
