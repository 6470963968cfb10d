import { Granularity } from '@app/catalog';
import { bucketMinutes, bucketStarts } from './time-buckets';

const iso = (ms: number[]) => ms.map((m) => new Date(m).toISOString());

describe('month buckets', () => {
  it('start on the first of each month at local midnight, the first one before the range when it starts inside', () => {
    const from = Date.UTC(2026, 0, 15, 12);
    const to = Date.UTC(2026, 3, 1);
    expect(iso(bucketStarts(from, to, Granularity.MONTH, 'UTC'))).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
    // New York: EST (-5) in winter, EDT (-4) from the second Sunday of March
    expect(iso(bucketStarts(from, to + 6 * 3_600_000, Granularity.MONTH, 'America/New_York'))).toEqual([
      '2026-01-01T05:00:00.000Z',
      '2026-02-01T05:00:00.000Z',
      '2026-03-01T05:00:00.000Z',
      '2026-04-01T04:00:00.000Z',
    ]);
    expect(
      iso(bucketStarts(Date.UTC(2026, 11, 31, 19), Date.UTC(2027, 0, 2), Granularity.MONTH, 'Asia/Kolkata')),
    ).toEqual(['2026-12-31T18:30:00.000Z']);
  });

  it('last as long as their month, an hour less or more across a clock change', () => {
    expect(bucketMinutes(Date.UTC(2026, 1, 1), Granularity.MONTH, 'UTC')).toBe(28 * 24 * 60);
    expect(bucketMinutes(Date.UTC(2026, 2, 1, 5), Granularity.MONTH, 'America/New_York')).toBe(31 * 24 * 60 - 60);
  });
});
