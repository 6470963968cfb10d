import Decimal from 'decimal.js';
import { CountedCall, TallySubject, UsageTally, Watermark } from './usage-tally';

const TEAM = '00000000-0000-4000-8000-000000000001';
const USER = '00000000-0000-4000-8000-000000000002';
const KEY = '00000000-0000-4000-8000-000000000003';
const OTHER = '00000000-0000-4000-8000-000000000009';
const DAY = { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) };
const NOON = Date.UTC(2026, 0, 1, 12);

const userCost: TallySubject = { teamId: TEAM, userId: USER, apiKeyId: null, measure: 'cost', ...DAY };

function call(partition: number, offset: number, over: Partial<CountedCall> = {}): CountedCall {
  return {
    partition,
    offset,
    teamId: TEAM,
    userId: USER,
    apiKeyId: KEY,
    occurredAt: NOON,
    tokens: 100,
    credits: '0.1',
    cost: '0.001',
    ...over,
  };
}

/** A tally whose watermark is what the test sets, and a seed that resolves when the test says. */
function setup(reseedMs = 30_000) {
  let watermark: Watermark | null = new Map([
    [0, 10],
    [1, 20],
  ]);
  let stored: CountedCall[] = [];
  const tally = new UsageTally(
    {
      committed: () => Promise.resolve(watermark),
      stored: (calls) => Promise.resolve(calls.filter((c) => stored.includes(c))),
    },
    { reseedMs, idleMs: 60_000, shortSeedRetryMs: 500 },
  );
  return {
    tally,
    setWatermark: (w: Watermark | null) => (watermark = w),
    setStored: (calls: CountedCall[]) => (stored = calls),
  };
}

describe('UsageTally', () => {
  it('adds the stream calls above the watermark to the seed, once, exactly', async () => {
    const { tally } = setup();
    expect((await tally.use('u', userCost, () => Promise.resolve('5.000000001'), NOON)).toFixed()).toBe('5.000000001');
    tally.count([
      call(0, 9), // below the watermark: in the seed already
      call(0, 10),
      call(1, 25),
      call(1, 26, { userId: OTHER }),
      call(1, 27, { occurredAt: DAY.to }),
      call(0, 11, { teamId: OTHER }),
    ]);
    expect((await tally.use('u', userCost, () => Promise.reject(new Error('not read again')), NOON)).toFixed()).toBe(
      '5.002000001',
    );
  });

  it('a whole-team subject (team-wide quota) counts the calls of every member and key of its team only', async () => {
    const { tally } = setup();
    const teamTokens: TallySubject = { ...userCost, userId: null, apiKeyId: null, measure: 'tokens' };
    expect((await tally.use('t', teamTokens, () => Promise.resolve(50), NOON)).toNumber()).toBe(50);
    tally.count([call(0, 10), call(0, 11, { userId: OTHER, apiKeyId: OTHER }), call(1, 20, { teamId: OTHER })]);
    expect((await tally.use('t', teamTokens, () => Promise.reject(new Error('not read again')), NOON)).toNumber()).toBe(
      250,
    );
  });

  it('counts a call that arrives while the seed is read once, from the calls it keeps', async () => {
    const { tally } = setup();
    let release!: (v: string) => void;
    const keyTokens: TallySubject = { ...userCost, userId: null, apiKeyId: KEY, measure: 'tokens' };
    const first = tally.use('k', keyTokens, () => new Promise<string>((r) => (release = r)));
    await new Promise((r) => setImmediate(r));
    tally.count([call(0, 12), call(0, 3)]);
    release('1000');
    expect((await first).toNumber()).toBe(1100);
    tally.count([call(1, 21)]);
    expect((await tally.use('k', keyTokens, () => Promise.resolve(0))).toNumber()).toBe(1200);
  });

  it('is seeded again after reseedMs: calls now below the new watermark come from the seed, not twice', async () => {
    const { tally, setWatermark } = setup(1_000);
    await tally.use('u', userCost, () => Promise.resolve('1'), NOON);
    tally.count([call(0, 10), call(0, 11)]);
    // the worker committed offset 10 on partition 0: the rollups hold it (1.001), 11 is still in flight
    setWatermark(
      new Map([
        [0, 11],
        [1, 20],
      ]),
    );
    expect((await tally.use('u', userCost, () => Promise.resolve('1.001'), NOON + 2_000)).toFixed()).toBe('1.002');
    await new Promise((r) => setImmediate(r));
    expect((await tally.use('u', userCost, () => Promise.resolve('9'), NOON + 2_001)).toFixed()).toBe('1.002');
  });

  it('a call stored but not yet committed when the seed is read comes from the seed, not twice', async () => {
    const { tally, setStored } = setup(1_000);
    await tally.use('u', userCost, () => Promise.resolve('1'), NOON);
    const inFlight = [call(0, 10), call(0, 11)];
    tally.count(inFlight);
    // the worker inserted offset 10 (the rollup says 1.001) and has not committed it yet
    setStored([inFlight[0]]);
    await tally.use('u', userCost, () => Promise.resolve('1.001'), NOON + 2_000);
    await new Promise((r) => setImmediate(r));
    expect((await tally.use('u', userCost, () => Promise.resolve('9'), NOON + 2_001)).toFixed()).toBe('1.002');
  });

  it('reads a seed again soon while the stream skipped calls of its team the worker had not committed', async () => {
    const { tally, setWatermark } = setup();
    // before any tally counted the team: offset 12 skipped (above the watermark 10), offset 5 committed already
    tally.skipped(TEAM, 0, 5);
    tally.skipped(TEAM, 0, 12);
    tally.skipped(OTHER, 1, 30);
    await tally.use('u', userCost, () => Promise.resolve('1'), NOON);
    // short: read again after shortSeedRetryMs (500), not reseedMs (30 s); the rollup has the call now
    await tally.use('u', userCost, () => Promise.resolve('1.001'), NOON + 499);
    await new Promise((r) => setImmediate(r));
    expect((await tally.use('u', userCost, () => Promise.resolve('9'), NOON + 499)).toFixed()).toBe('1');
    await tally.use('u', userCost, () => Promise.resolve('1.001'), NOON + 500);
    await new Promise((r) => setImmediate(r));
    expect((await tally.use('u', userCost, () => Promise.resolve('9'), NOON + 501)).toFixed()).toBe('1.001');
    // the worker committed past it: the skip is forgotten and the seed complete, read again after reseedMs only
    setWatermark(
      new Map([
        [0, 13],
        [1, 20],
      ]),
    );
    tally.prune(
      new Map([
        [0, 13],
        [1, 20],
      ]),
      NOON + 1_000,
    );
    await tally.use('u', userCost, () => Promise.resolve('1.001'), NOON + 1_001);
    await new Promise((r) => setImmediate(r));
    await tally.use('u', userCost, () => Promise.resolve('9'), NOON + 2_000);
    await new Promise((r) => setImmediate(r));
    expect((await tally.use('u', userCost, () => Promise.resolve('9'), NOON + 2_001)).toFixed()).toBe('1.001');
  });

  it('without the stream answers the seed alone', async () => {
    const { tally, setWatermark } = setup();
    setWatermark(null);
    await tally.use('u', userCost, () => Promise.resolve('2'), NOON);
    tally.count([call(0, 50)]);
    expect((await tally.use('u', userCost, () => Promise.resolve('3'), NOON)).toFixed()).toBe('2');
  });

  it('forgets calls below a watermark and tallies left idle', async () => {
    const { tally } = setup();
    await tally.use('u', userCost, () => Promise.resolve(new Decimal(0)), NOON);
    tally.count([call(0, 10), call(0, 11), call(1, 20)]);
    tally.prune(new Map([[0, 11]]), NOON + 1_000);
    expect(tally.size).toEqual({ tallies: 1, recentCalls: 2 });
    tally.prune(null, NOON + 120_000);
    expect(tally.size).toEqual({ tallies: 0, recentCalls: 2 });
  });

  it('a seed that fails is asked again on the next use', async () => {
    const { tally } = setup();
    await expect(tally.use('u', userCost, () => Promise.reject(new Error('engine down')))).rejects.toThrow(
      'engine down',
    );
    tally.count([call(0, 10)]);
    expect((await tally.use('u', userCost, () => Promise.resolve('1'))).toFixed()).toBe('1.001');
  });
});
