import { reachedThresholds } from './budget-evaluator';
import { breaches } from './rule-evaluator';

describe('reachedThresholds', () => {
  it('compares exact decimals: 75% of 0.3 is reached at exactly 0.225', () => {
    expect(reachedThresholds('0.3', '0.224999999', [50, 75, 100])).toEqual([50]);
    expect(reachedThresholds('0.3', '0.225', [50, 75, 100])).toEqual([50, 75]);
    expect(reachedThresholds('10', '15', [50, 100, 150])).toEqual([50, 100, 150]);
    expect(reachedThresholds('10', '0', [50])).toEqual([]);
  });
});

describe('breaches', () => {
  it('is strictly above or below, and no value crosses nothing', () => {
    expect(breaches({ above: 10, below: null }, 10)).toBe(false);
    expect(breaches({ above: 10, below: null }, 10.5)).toBe(true);
    expect(breaches({ above: null, below: 1 }, 0)).toBe(true);
    expect(breaches({ above: null, below: 1 }, null)).toBe(false);
  });
});
