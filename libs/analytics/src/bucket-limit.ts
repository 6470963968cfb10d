import { RangeTooLargeError } from '@app/errors';
import { Granularity } from '@app/catalog';

/** Points of one chart (trend, ranking bars, breakdown sparklines). */
export const MAX_BUCKETS = 2000;
/** Time buckets of one CSV export: it streams page by page, so it may hold many more than a chart. */
export const MAX_EXPORT_BUCKETS = MAX_BUCKETS * 50;

// a zone's day lasts 23 to 25 hours; the nominal day keeps the count arithmetic (a bucket or two off at most)
const NOMINAL_BUCKET_MS: Record<Granularity, number> = {
  [Granularity.MINUTE]: 60_000,
  [Granularity.FIVE_MINUTES]: 300_000,
  [Granularity.HOUR]: 3_600_000,
  [Granularity.DAY]: 86_400_000,
  // the shortest month: a count a little high rather than too low
  [Granularity.MONTH]: 28 * 86_400_000,
};

/** How many buckets of `granularity` the range [from, to) spans, from its length alone. */
export function bucketCount(from: number, to: number, granularity: Granularity): number {
  return Math.ceil(Math.max(0, to - from) / NOMINAL_BUCKET_MS[granularity]);
}

/**
 * Refuses a range with more buckets than `limit` before any bucket list, plan or query exists
 * (building the 5 million minute buckets of ten years alone took 0.8 s).
 */
export function assertBucketCount(from: number, to: number, granularity: Granularity, limit = MAX_BUCKETS): void {
  const count = bucketCount(from, to, granularity);
  if (count > limit) {
    throw new RangeTooLargeError(
      `range: ${count} buckets of ${granularity}, at most ${limit}; choose a coarser granularity or a shorter range`,
      { limit },
    );
  }
}
