import { periodBounds } from './ledger-cut';

const iso = (b: { start: number; end: number }) => [new Date(b.start).toISOString(), new Date(b.end).toISOString()];

describe('a period', () => {
  it('is a calendar month between local midnights', () => {
    expect(iso(periodBounds('2026-11', 'UTC'))).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    expect(iso(periodBounds('2026-12', 'Asia/Tokyo'))).toEqual([
      '2026-11-30T15:00:00.000Z',
      '2026-12-31T15:00:00.000Z',
    ]);
    // DST ends inside the month: 31 days and an hour
    expect(iso(periodBounds('2026-10', 'Europe/Berlin'))).toEqual([
      '2026-09-30T22:00:00.000Z',
      '2026-10-31T23:00:00.000Z',
    ]);
  });

  it('is refused when it is not YYYY-MM of a month since 2000', () => {
    for (const period of ['2026-13', '2026-1', '26-11', '2026-11-01', '1999-12', '']) {
      expect(() => periodBounds(period, 'UTC')).toThrow(/period: /);
    }
  });
});
