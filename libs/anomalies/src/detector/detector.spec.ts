import { AnomalyDetector, DEFAULT_DETECTOR_PARAMS, IncidentChange, MinuteSample, SeriesRef } from './detector';
import { median, RollingWindow, robustSpread } from './robust';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 2, 9, 0);
const team: SeriesRef = { id: 'TEAM:t1', dimension: 'TEAM', key: 't1', teamId: 't1', ownerId: null };

/** deterministic noise in [-1, 1) */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

function sample(over: Partial<MinuteSample> = {}): MinuteSample {
  return {
    requests: 100,
    errors: 2,
    cost: 0.5,
    tokens: 50_000,
    latencyP95: 800,
    ttftP95: 200,
    ...over,
  };
}

/** Feed minutes 0..n-1 of `series` (undefined: no calls that minute), collecting the changes. */
function feed(
  detector: AnomalyDetector,
  n: number,
  series: (i: number, r: () => number) => MinuteSample | undefined,
  ref = team,
): IncidentChange[] {
  const r = noise(7);
  const changes: IncidentChange[] = [];
  for (let i = 0; i < n; i++) {
    const s = series(i, r);
    changes.push(...detector.step(T0 + i * MINUTE, new Map(s ? [[ref.id, { ref, sample: s }]] : [])));
  }
  return changes;
}

const steady = (i: number, r: () => number) =>
  sample({
    requests: Math.round(100 + 8 * r()),
    errors: Math.round(2 + 1.5 * r()),
    latencyP95: 800 + 40 * r(),
    ttftP95: 200 + 10 * r(),
    cost: 0.5 + 0.04 * r(),
    tokens: 50_000 + 4_000 * r(),
  });

describe('robust statistics', () => {
  it('median and scaled MAD ignore an outlier', () => {
    expect(median([1, 2, 3, 100])).toBe(2.5);
    expect(robustSpread([10, 11, 9, 10, 1000])).toBeCloseTo(1.4826, 4);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('a rolling window answers what sorting its last values answers', () => {
    const r = noise(3);
    const window = new RollingWindow(7);
    const all: number[] = [];
    for (let i = 0; i < 200; i++) {
      // ties and outliers included
      const v = i % 11 === 0 ? 1_000 : Math.round(10 * r());
      window.push(v);
      all.push(v);
      const last = all.slice(-7);
      expect([window.median(), window.spread()]).toEqual([median(last), robustSpread(last)]);
      expect(window.length).toBe(last.length);
    }
    const even = new RollingWindow(4);
    [1, 2, 4, 8].forEach((v) => even.push(v));
    expect([even.median(), even.spread()]).toEqual([median([1, 2, 4, 8]), robustSpread([1, 2, 4, 8])]);
  });
});

describe('AnomalyDetector', () => {
  it('raises nothing on a steady noisy series', () => {
    expect(feed(new AnomalyDetector(), 600, steady)).toEqual([]);
  });

  it('opens an error-rate incident after k bad minutes, dated from the first, and resolves after m good ones', () => {
    const changes = feed(new AnomalyDetector(), 120, (i, r) => {
      const s = steady(i, r);
      return i >= 60 && i < 80 ? { ...s, errors: 30 } : s;
    }).filter((c) => c.metric === 'ERROR_RATE');
    expect(changes[0]).toMatchObject({
      kind: 'opened',
      metric: 'ERROR_RATE',
      startedAt: T0 + 60 * MINUTE,
      at: T0 + 61 * MINUTE,
      judgement: { direction: 'SPIKE' },
    });
    const opened = changes[0] as Extract<IncidentChange, { kind: 'opened' }>;
    expect(opened.judgement.expected).toBeCloseTo(0.02, 2);
    expect(opened.judgement.observed).toBeCloseTo(0.3, 1);
    const resolved = changes.filter((c) => c.kind === 'resolved');
    // the last bad minute is 79: it ends at 80, and the fifth good minute (84) resolves it
    expect(resolved).toEqual([expect.objectContaining({ endedAt: T0 + 80 * MINUTE, at: T0 + 84 * MINUTE })]);
    expect(changes.filter((c) => c.kind === 'updated')).toHaveLength(18);
  });

  it('takes two failures of a quiet minute with a 1% norm for noise, half of its calls failing for an incident', () => {
    const detector = new AnomalyDetector();
    const recent = Array.from({ length: 60 }, () => 0);
    const quiet = sample({ requests: 15, errors: 2 });
    expect(detector.evaluate('ERROR_RATE', recent, quiet, [])!.score).toBeLessThan(3);
    expect(detector.evaluate('ERROR_RATE', recent, { ...quiet, errors: 8 }, [])!.score).toBeGreaterThan(5);
  });

  it('does not open on a single bad minute (hysteresis)', () => {
    const changes = feed(new AnomalyDetector(), 120, (i, r) => {
      const s = steady(i, r);
      return i === 60 || i === 62 ? { ...s, latencyP95: 5_000 } : s;
    });
    expect(changes).toEqual([]);
  });

  it('keeps an incident open while the score sits between the resolve and open scores', () => {
    const changes = feed(new AnomalyDetector(), 140, (i, r) => {
      const s = steady(i, r);
      if (i >= 60 && i < 65) return { ...s, latencyP95: 3_000 };
      // about 4 spreads above the baseline: not bad, not good
      if (i >= 65 && i < 100) return { ...s, latencyP95: 800 + 4 * 80 };
      return s;
    }).filter((c) => c.metric === 'LATENCY_P95');
    expect(changes.map((c) => c.kind).filter((k) => k !== 'updated')).toEqual(['opened', 'resolved']);
    expect(changes.find((c) => c.kind === 'resolved')).toMatchObject({ at: T0 + 104 * MINUTE });
  });

  it('judges no rate or quantile of a quiet series (minimum volume)', () => {
    const quiet = (i: number, r: () => number) =>
      sample({
        requests: 5,
        errors: i % 7 === 0 ? 5 : 0,
        latencyP95: 500 + 4_000 * Math.abs(r()),
        ttftP95: 150 + 2_000 * Math.abs(r()),
      });
    expect(feed(new AnomalyDetector(), 300, quiet)).toEqual([]);
  });

  it("judges TTFT by the minute's requests, and not at all in a minute where no call recorded one", () => {
    const metricChanges = (series: (i: number, r: () => number) => MinuteSample) =>
      feed(new AnomalyDetector(), 100, series).filter((c) => c.metric === 'TTFT_P95');
    const regression = metricChanges((i, r) => ({ ...steady(i, r), ...(i >= 70 && i < 80 ? { ttftP95: 900 } : {}) }));
    expect(regression[0]).toMatchObject({
      kind: 'opened',
      startedAt: T0 + 70 * MINUTE,
      judgement: { direction: 'SPIKE' },
    });
    const unrecorded = metricChanges((i, r) => ({ ...steady(i, r), ...(i >= 70 ? { ttftP95: null } : {}) }));
    expect(unrecorded).toEqual([]);
  });

  it('reports a drop in requests when the series goes silent, a missing minute counting as none', () => {
    const changes = feed(new AnomalyDetector(), 100, (i, r) => (i >= 70 && i < 80 ? undefined : steady(i, r)));
    const drop = changes.filter((c) => c.metric === 'REQUESTS');
    expect(drop[0]).toMatchObject({ kind: 'opened', startedAt: T0 + 70 * MINUTE, judgement: { direction: 'DROP' } });
    expect(drop.at(-1)).toMatchObject({ kind: 'resolved', endedAt: T0 + 80 * MINUTE });
    // no spike of errors or latency out of an empty minute
    expect(changes.every((c) => c.metric === 'REQUESTS')).toBe(true);
  });

  it('does not learn an ongoing incident as normal, until it has lasted relearnAfterMinutes', () => {
    const detector = new AnomalyDetector({ ...DEFAULT_DETECTOR_PARAMS, relearnAfterMinutes: 90 });
    const changes = feed(detector, 400, (i, r) => {
      const s = steady(i, r);
      return i >= 60 ? { ...s, cost: s.cost * 10 } : s;
    }).filter((c) => c.metric === 'COST');
    const resolved = changes.find((c) => c.kind === 'resolved');
    // open from minute 60; after 90 minutes its values enter the baseline, whose median turns after 30 more
    expect(changes[0]).toMatchObject({ kind: 'opened', startedAt: T0 + 60 * MINUTE });
    expect(resolved?.at).toBeGreaterThan(T0 + 150 * MINUTE);
    expect(resolved?.at).toBeLessThan(T0 + 240 * MINUTE);
  });

  it('takes the seasonal baseline when enough past weeks are known', () => {
    const detector = new AnomalyDetector();
    const recent = Array.from({ length: 60 }, (_, i) => 100 + (i % 5));
    const s = sample({ requests: 300 });
    // recent traffic says 102, past weeks say 290-310 at this hour: 300 calls is normal
    expect(detector.evaluate('REQUESTS', recent, s, [290, 300, 310])?.expected).toBeCloseTo(300, 9);
    expect(Math.abs(detector.evaluate('REQUESTS', recent, s, [290, 300, 310])!.score)).toBeLessThan(1);
    // one week is not enough: the recent median
    expect(detector.evaluate('REQUESTS', recent, s, [300])?.expected).toBeCloseTo(102, 9);
  });

  it('resumes an incident the store holds open and resolves it when the series is normal', () => {
    const detector = new AnomalyDetector();
    feed(detector, 60, steady);
    detector.restore(
      [{ seriesId: team.id, metric: 'ERROR_RATE', startedAt: T0 - 3_600_000, direction: 'SPIKE' }],
      new Map([[team.id, team]]),
      T0,
    );
    const r = noise(9);
    const changes: IncidentChange[] = [];
    for (let i = 60; i < 70; i++) {
      changes.push(...detector.step(T0 + i * MINUTE, new Map([[team.id, { ref: team, sample: steady(i, r) }]])));
    }
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'resolved', metric: 'ERROR_RATE', at: T0 + 64 * MINUTE }),
    ]);
  });

  it('refuses parameters that make no hysteresis', () => {
    expect(() => new AnomalyDetector({ ...DEFAULT_DETECTOR_PARAMS, resolveScore: 9, openScore: 4 })).toThrow();
    expect(() => new AnomalyDetector({ ...DEFAULT_DETECTOR_PARAMS, openAfterMinutes: 0 })).toThrow();
  });
});
