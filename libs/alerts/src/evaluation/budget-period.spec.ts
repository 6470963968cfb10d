import { budgetPeriodAt } from './budget-period';

const at = (iso: string) => new Date(iso).getTime();
const iso = (p: { start: Date; end: Date }) => [p.start.toISOString(), p.end.toISOString()];

describe('budgetPeriodAt', () => {
  it('cuts days, ISO weeks and months in UTC', () => {
    const now = at('2026-12-02T15:00:00Z'); // a Wednesday
    expect(iso(budgetPeriodAt('DAY', 'UTC', now))).toEqual(['2026-12-02T00:00:00.000Z', '2026-12-03T00:00:00.000Z']);
    expect(iso(budgetPeriodAt('WEEK', 'UTC', now))).toEqual(['2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z']);
    expect(iso(budgetPeriodAt('MONTH', 'UTC', now))).toEqual(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  it("cuts them at local midnight in the budget's zone, the local date deciding", () => {
    // 23:30 UTC on Nov 30 is already Dec 1 in Tokyo (UTC+9)
    const now = at('2026-11-30T23:30:00Z');
    expect(iso(budgetPeriodAt('DAY', 'Asia/Tokyo', now))).toEqual([
      '2026-11-30T15:00:00.000Z',
      '2026-12-01T15:00:00.000Z',
    ]);
    expect(iso(budgetPeriodAt('MONTH', 'Asia/Tokyo', now))).toEqual([
      '2026-11-30T15:00:00.000Z',
      '2026-12-31T15:00:00.000Z',
    ]);
    // and still Nov 30 in New York (UTC−5)
    expect(iso(budgetPeriodAt('DAY', 'America/New_York', now))).toEqual([
      '2026-11-30T05:00:00.000Z',
      '2026-12-01T05:00:00.000Z',
    ]);
  });

  it('follows daylight saving time: a local day of 23 hours, and a week across the change', () => {
    // Europe/Paris springs forward on 2026-03-29 (UTC+1 → UTC+2)
    const day = budgetPeriodAt('DAY', 'Europe/Paris', at('2026-03-29T12:00:00Z'));
    expect(iso(day)).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    const week = budgetPeriodAt('WEEK', 'Europe/Paris', at('2026-03-30T12:00:00Z'));
    expect(iso(week)).toEqual(['2026-03-29T22:00:00.000Z', '2026-04-05T22:00:00.000Z']);
  });

  it('puts the instant of a boundary in the period it starts', () => {
    const start = at('2026-12-01T00:00:00Z');
    expect(budgetPeriodAt('MONTH', 'UTC', start).start.getTime()).toBe(start);
    expect(budgetPeriodAt('MONTH', 'UTC', start - 1).end.getTime()).toBe(start);
  });
});
