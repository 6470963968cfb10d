import { ConcurrencySlots } from './concurrency-slots';
import { TokenBucketLimiter } from './token-bucket';

describe('TokenBucketLimiter', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('allows a burst of a minute, then refuses until tokens come back', () => {
    const limiter = new TokenBucketLimiter(3, clock);
    expect([1, 2, 3, 4].map(() => limiter.tryTake('a'))).toEqual([true, true, true, false]);
    expect(limiter.waitMs('a')).toBe(20_000);
    now += 19_999;
    expect(limiter.tryTake('a')).toBe(false);
    now += 1;
    expect(limiter.tryTake('a')).toBe(true);
  });

  it('keeps one bucket per key', () => {
    const limiter = new TokenBucketLimiter(1, clock);
    expect(limiter.tryTake('a')).toBe(true);
    expect(limiter.tryTake('a')).toBe(false);
    expect(limiter.tryTake('b')).toBe(true);
  });

  it('takes weights, a weight above the capacity taking the whole bucket', () => {
    const limiter = new TokenBucketLimiter(4, clock);
    expect(limiter.tryTake('a', 3)).toBe(true);
    expect(limiter.tryTake('a', 2)).toBe(false);
    expect(limiter.waitMs('a', 2)).toBe(15_000);
    now += 60_000;
    expect(limiter.tryTake('a', 10)).toBe(true);
    expect(limiter.tryTake('a', 1)).toBe(false);
  });

  it('spends failures down to empty, and refills to the capacity only', () => {
    const limiter = new TokenBucketLimiter(2, clock);
    for (let i = 0; i < 5; i++) limiter.spend('ip');
    expect(limiter.waitMs('ip')).toBe(30_000);
    now += 10 * 60_000;
    expect(limiter.waitMs('ip')).toBe(0);
    expect([1, 2, 3].map(() => limiter.tryTake('ip'))).toEqual([true, true, false]);
  });

  it('bounds its memory, dropping full buckets first', () => {
    const limiter = new TokenBucketLimiter(1, clock, 10);
    for (let i = 0; i < 5; i++) limiter.spend(`old${i}`);
    now += 120_000;
    for (let i = 0; i < 6; i++) limiter.spend(`new${i}`);
    expect(limiter.size).toBe(6);
    for (let i = 0; i < 20; i++) limiter.spend(`more${i}`);
    expect(limiter.size).toBeLessThanOrEqual(10);
    // the most recent keep their state
    expect(limiter.waitMs('more19')).toBeGreaterThan(0);
  });
});

describe('ConcurrencySlots', () => {
  it('hands out at most perKey slots per key, and takes each back once', () => {
    const slots = new ConcurrencySlots(2);
    const first = slots.tryAcquire('u')!;
    const second = slots.tryAcquire('u')!;
    expect(slots.tryAcquire('u')).toBeUndefined();
    expect(slots.tryAcquire('v')).toBeDefined();
    first();
    first();
    expect(slots.inUse('u')).toBe(1);
    expect(slots.tryAcquire('u')).toBeDefined();
    expect(slots.tryAcquire('u')).toBeUndefined();
    second();
    expect(slots.inUse('u')).toBe(1);
  });
});
