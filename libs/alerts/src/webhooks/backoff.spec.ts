import { retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  it('doubles per attempt, between half and all of the exponential delay', () => {
    expect(retryDelayMs(1, 1000, 60_000, 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 60_000, 1)).toBe(1000);
    expect(retryDelayMs(3, 1000, 60_000, 0)).toBe(2000);
    expect(retryDelayMs(3, 1000, 60_000, 1)).toBe(4000);
  });

  it('is capped, and keeps retrying at the cap', () => {
    expect(retryDelayMs(40, 10_000, 3_600_000, 1)).toBe(3_600_000);
    expect(retryDelayMs(40, 10_000, 3_600_000, 0)).toBe(1_800_000);
  });

  it('with the defaults, attempts span past 24 h before the window closes (about 40 attempts)', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < 24 * 3_600_000) elapsed += retryDelayMs(++attempts, 10_000, 3_600_000, 0.5);
    expect(attempts).toBeGreaterThan(30);
    expect(attempts).toBeLessThan(50);
  });
});
