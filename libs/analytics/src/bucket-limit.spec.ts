import { RangeTooLargeError } from '@app/errors';
import { Granularity } from '@app/catalog';
import { assertBucketCount, bucketCount, MAX_BUCKETS, MAX_EXPORT_BUCKETS } from './bucket-limit';

const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;
const from = Date.UTC(2016, 0, 1);

describe('bucket limit', () => {
  it('counts buckets from the range length, partial buckets included', () => {
    expect(bucketCount(from, from + HOUR, Granularity.MINUTE)).toBe(60);
    expect(bucketCount(from, from + HOUR + 1, Granularity.MINUTE)).toBe(61);
    expect(bucketCount(from, from + 30 * 24 * HOUR, Granularity.HOUR)).toBe(720);
    expect(bucketCount(from, from + 10 * YEAR, Granularity.DAY)).toBe(3650);
  });

  it('refuses ten years of minutes at once, with RANGE_TOO_LARGE and the limit', () => {
    let caught: unknown;
    try {
      assertBucketCount(from, from + 10 * YEAR, Granularity.MINUTE, MAX_EXPORT_BUCKETS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RangeTooLargeError);
    expect((caught as RangeTooLargeError).code).toBe('RANGE_TOO_LARGE');
    expect((caught as RangeTooLargeError).details).toEqual({ limit: MAX_EXPORT_BUCKETS });
  });

  it('accepts a range of exactly the limit and refuses one bucket more', () => {
    expect(() => assertBucketCount(from, from + MAX_BUCKETS * 60_000, Granularity.MINUTE)).not.toThrow();
    expect(() => assertBucketCount(from, from + MAX_BUCKETS * 60_000 + 1, Granularity.MINUTE)).toThrow(
      RangeTooLargeError,
    );
    expect(() => assertBucketCount(from, from + 30 * 24 * HOUR, Granularity.MINUTE)).toThrow(RangeTooLargeError);
  });
});
