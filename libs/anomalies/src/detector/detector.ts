import { median, RollingWindow, robustSpread } from './robust';

/** The metrics watched for every series (names as UsageMetric spells them). */
export type DetectedMetric = 'REQUESTS' | 'ERROR_RATE' | 'LATENCY_P95' | 'TTFT_P95' | 'COST' | 'TOKENS_PER_MINUTE';
export const DETECTED_METRICS: readonly DetectedMetric[] = [
  'REQUESTS',
  'ERROR_RATE',
  'LATENCY_P95',
  'TTFT_P95',
  'COST',
  'TOKENS_PER_MINUTE',
];

export type Direction = 'SPIKE' | 'DROP';

/** What a series is: the platform (no dimension), a team, a model or an API key. */
export interface SeriesRef {
  /** unique over every series: `PLATFORM`, `TEAM:<id>`, `MODEL:<name>`, `API_KEY:<id>` */
  readonly id: string;
  readonly dimension: 'TEAM' | 'MODEL' | 'API_KEY' | null;
  readonly key: string | null;
  /** the team whose incident it is (null: the platform's) */
  readonly teamId: string | null;
  /** a key's owner, who may see its incidents */
  readonly ownerId: string | null;
}

/** One series' traffic in one minute. Quantiles are null when the minute had no calls to take them from. */
export interface MinuteSample {
  requests: number;
  errors: number;
  cost: number;
  tokens: number;
  latencyP95: number | null;
  /** over the calls that recorded one (null: none did) */
  ttftP95: number | null;
}

export const EMPTY_SAMPLE: Readonly<MinuteSample> = {
  requests: 0,
  errors: 0,
  cost: 0,
  tokens: 0,
  latencyP95: null,
  ttftP95: null,
};

export interface DetectorParams {
  /** |score| at or above which a minute is bad */
  openScore: number;
  /** |score| below which a minute of an open incident is good (between the two: neither) */
  resolveScore: number;
  /** consecutive bad minutes that open an incident (k) */
  openAfterMinutes: number;
  /** consecutive good minutes that resolve it (m) */
  resolveAfterMinutes: number;
  /** calls in a minute below which its rate and quantiles are not judged (quiet keys would flap) */
  minCalls: number;
  /** expected or observed requests per minute below which counts, cost and tokens are not judged */
  minRequestsPerMinute: number;
  /** clean minutes kept for the recent baseline */
  recentMinutes: number;
  /** clean minutes a metric needs before it is judged at all */
  minRecentSamples: number;
  /** weeks of the same hour of the week that make a seasonal baseline (fewer: the recent median) */
  minSeasonalWeeks: number;
  /** an incident open this long feeds its minutes back into the baseline: a lasting change becomes normal */
  relearnAfterMinutes: number;
  /** a series silent this long is forgotten */
  forgetAfterMinutes: number;
}

export const DEFAULT_DETECTOR_PARAMS: Readonly<DetectorParams> = {
  openScore: 5,
  resolveScore: 3,
  openAfterMinutes: 2,
  resolveAfterMinutes: 5,
  minCalls: 10,
  minRequestsPerMinute: 10,
  recentMinutes: 60,
  minRecentSamples: 20,
  minSeasonalWeeks: 2,
  relearnAfterMinutes: 240,
  forgetAfterMinutes: 24 * 60,
};

/**
 * The scale a metric is judged on, where its noise is about the same size at any level:
 * counts on the square root (Anscombe: Poisson noise has a spread of 0.5 there), latencies on
 * the logarithm (a regression multiplies them), rates and sums as they are.
 */
interface Scale {
  readonly to: (value: number) => number;
  readonly from: (value: number) => number;
}
const LINEAR: Scale = { to: (v) => v, from: (v) => v };
const ROOT: Scale = { to: (v) => Math.sqrt(Math.max(v, 0) + 0.375), from: (v) => Math.max(v * v - 0.375, 0) };
const LOG: Scale = { to: (v) => Math.log(Math.max(v, 1)), from: (v) => Math.exp(v) };

interface MetricSpec {
  /** the minute's value, or null when it has too little traffic to say anything */
  value(s: MinuteSample, p: DetectorParams): number | null;
  directions: readonly Direction[];
  scale: Scale;
  /**
   * the least spread (on the metric's scale) the noise of the minute's calls allows, given the
   * expected value (on the same scale): a MAD of steady minutes can be near 0
   */
  floor(expected: number, s: MinuteSample): number;
  /** counts judge only series with traffic expected or seen */
  counted: boolean;
}

/** a sum over the minute's calls (cost, tokens) varies by about 1 / sqrt(calls) of itself, and at least 10% */
const sumNoise = (least: number) => (expected: number, s: MinuteSample) =>
  Math.max(Math.abs(expected) * Math.max(0.1, 1 / Math.sqrt(Math.max(s.requests, 1))), least);

const SPECS: Record<DetectedMetric, MetricSpec> = {
  // a drop is news as much as a spike; Poisson noise, and at least 10% of a large count
  REQUESTS: {
    value: (s) => s.requests,
    directions: ['SPIKE', 'DROP'],
    scale: ROOT,
    floor: (e) => Math.max(0.5, 0.05 * e),
    counted: true,
  },
  // binomial noise of the minute's calls plus half a call (the rate moves in steps of 1/calls: with
  // a 1% norm, 2 failures of 15 calls are no incident), and at least one percentage point
  ERROR_RATE: {
    value: (s, p) => (s.requests >= p.minCalls ? s.errors / s.requests : null),
    directions: ['SPIKE'],
    scale: LINEAR,
    floor: (e, s) => {
      const rate = Math.min(Math.max(e, 0.01), 0.99);
      const calls = Math.max(s.requests, 1);
      return Math.max(Math.sqrt((rate * (1 - rate)) / calls) + 0.5 / calls, 0.01);
    },
    counted: false,
  },
  // at least 10%
  LATENCY_P95: {
    value: (s, p) => (s.requests >= p.minCalls ? s.latencyP95 : null),
    directions: ['SPIKE'],
    scale: LOG,
    floor: () => 0.1,
    counted: false,
  },
  // the minimum volume is the minute's requests, not its calls with a TTFT: the rollups keep a TTFT
  // digest but not how many calls fed it, and counting them would need raw events again
  TTFT_P95: {
    value: (s, p) => (s.requests >= p.minCalls ? s.ttftP95 : null),
    directions: ['SPIKE'],
    scale: LOG,
    floor: () => 0.1,
    counted: false,
  },
  // a runaway spends more; less spend is a traffic drop, which REQUESTS reports
  COST: { value: (s) => s.cost, directions: ['SPIKE'], scale: LINEAR, floor: sumNoise(1e-9), counted: true },
  TOKENS_PER_MINUTE: {
    value: (s) => s.tokens,
    directions: ['SPIKE'],
    scale: LINEAR,
    floor: sumNoise(1),
    counted: true,
  },
};

/** A judged minute of one metric of one series. */
export interface Judgement {
  expected: number;
  observed: number;
  score: number;
  direction: Direction;
}

export type IncidentChange =
  | { kind: 'opened'; series: SeriesRef; metric: DetectedMetric; startedAt: number; at: number; judgement: Judgement }
  | { kind: 'updated'; series: SeriesRef; metric: DetectedMetric; at: number; judgement: Judgement }
  | { kind: 'resolved'; series: SeriesRef; metric: DetectedMetric; endedAt: number; at: number };

/** An incident the store still holds open, handed back after a restart. */
export interface OpenIncident {
  seriesId: string;
  metric: DetectedMetric;
  startedAt: number;
  direction: Direction;
}

interface MetricState {
  /** clean minute values, at most recentMinutes */
  recent: RollingWindow;
  badStreak: number;
  firstBadAt: number;
  open: { startedAt: number; direction: Direction } | null;
  goodStreak: number;
  lastBadAt: number;
}

interface SeriesState {
  ref: SeriesRef;
  lastActiveAt: number;
  metrics: Record<DetectedMetric, MetricState>;
}

/** Past weeks' per-minute values at a minute's hour of the week, per series and metric. */
export type SeasonalLookup = (seriesId: string, metric: DetectedMetric) => readonly number[];

const MINUTE = 60_000;

function windowOf(values: readonly number[]): RollingWindow {
  const window = new RollingWindow(values.length);
  for (const v of values) window.push(v);
  return window;
}

const noSeasons: SeasonalLookup = () => [];

function freshMetrics(capacity: number): Record<DetectedMetric, MetricState> {
  const make = (): MetricState => ({
    recent: new RollingWindow(capacity),
    badStreak: 0,
    firstBadAt: 0,
    open: null,
    goodStreak: 0,
    lastBadAt: 0,
  });
  return {
    REQUESTS: make(),
    ERROR_RATE: make(),
    LATENCY_P95: make(),
    TTFT_P95: make(),
    COST: make(),
    TOKENS_PER_MINUTE: make(),
  };
}

/**
 * The detector, pure: fed one minute at a time (the live loop feeds the minutes since its last
 * run, the evaluation a whole week), it keeps per series and metric a window of clean minutes
 * and the hysteresis state, and answers which incidents opened, grew or resolved. No I/O, no clock.
 *
 * Expected value: the median of the same hour of the week in past weeks when at least
 * `minSeasonalWeeks` are known, else the median of the recent clean minutes. Spread: the MAD of
 * the recent clean minutes (and of the seasonal values), never below the metric's noise floor.
 * A minute is bad when its score is at least `openScore` in a direction the metric watches and
 * the series has the volume to judge it; `openAfterMinutes` bad minutes open an incident,
 * `resolveAfterMinutes` good ones (score under `resolveScore`, or too little traffic) resolve it.
 * Bad minutes do not enter the baseline, so a long incident is not learnt as normal, until it has
 * lasted `relearnAfterMinutes`.
 */
export class AnomalyDetector {
  private readonly series = new Map<string, SeriesState>();

  constructor(readonly params: DetectorParams = DEFAULT_DETECTOR_PARAMS) {
    if (params.resolveScore > params.openScore) throw new Error('resolveScore above openScore');
    if (params.openAfterMinutes < 1 || params.resolveAfterMinutes < 1) throw new Error('streaks of at least 1');
  }

  /** Series currently known. */
  get size(): number {
    return this.series.size;
  }

  /** Incidents the store holds open: judged from here on as open (they resolve or grow). */
  restore(open: readonly OpenIncident[], refs: ReadonlyMap<string, SeriesRef>, at: number): void {
    for (const incident of open) {
      const ref = refs.get(incident.seriesId);
      if (!ref) continue;
      const state = this.stateOf(ref, at);
      state.metrics[incident.metric].open = { startedAt: incident.startedAt, direction: incident.direction };
    }
  }

  /**
   * Feed minute `at` (its start, ms). `samples` holds the series with calls in it; known series
   * missing from it had none. `warmUp` only fills baselines (no incident opens or resolves).
   */
  step(
    at: number,
    samples: ReadonlyMap<string, { ref: SeriesRef; sample: MinuteSample }>,
    seasonal: SeasonalLookup = noSeasons,
    warmUp = false,
  ): IncidentChange[] {
    const changes: IncidentChange[] = [];
    for (const { ref, sample } of samples.values()) {
      if (sample.requests > 0) this.stateOf(ref, at).lastActiveAt = at;
    }
    for (const [id, state] of this.series) {
      const sample = samples.get(id)?.sample ?? EMPTY_SAMPLE;
      const anyOpen = Object.values(state.metrics).some((m) => m.open);
      if (!anyOpen && at - state.lastActiveAt > this.params.forgetAfterMinutes * MINUTE) {
        this.series.delete(id);
        continue;
      }
      for (const metric of DETECTED_METRICS) {
        changes.push(...this.judge(state, metric, sample, at, seasonal(id, metric), warmUp));
      }
    }
    return changes;
  }

  private stateOf(ref: SeriesRef, at: number): SeriesState {
    let state = this.series.get(ref.id);
    if (!state) {
      state = { ref, lastActiveAt: at, metrics: freshMetrics(this.params.recentMinutes) };
      this.series.set(ref.id, state);
    }
    return state;
  }

  /** The minute's judgement, or null when the metric cannot be judged this minute. */
  evaluate(
    metric: DetectedMetric,
    recentValues: RollingWindow | readonly number[],
    sample: MinuteSample,
    seasons: readonly number[],
  ): Judgement | null {
    const p = this.params;
    const spec = SPECS[metric];
    const observed = spec.value(sample, p);
    if (observed === null || recentValues.length < p.minRecentSamples) return null;
    const { scale } = spec;
    const recent = recentValues instanceof RollingWindow ? recentValues : windowOf(recentValues.map(scale.to));
    const recentMedian = recent.median();
    const seasonal = seasons.length >= p.minSeasonalWeeks ? seasons.map(scale.to) : null;
    const center = seasonal ? median(seasonal) : recentMedian;
    const expected = scale.from(center);
    // counts judge series busy enough, now or usually: a quiet key's 3 calls against 1 is no incident
    if (metric === 'REQUESTS' && Math.max(expected, observed) < p.minRequestsPerMinute) return null;
    if (spec.counted && metric !== 'REQUESTS' && sample.requests < p.minRequestsPerMinute) return null;
    const spread = Math.max(recent.spread(), seasonal ? robustSpread(seasonal) : 0, spec.floor(center, sample));
    const score = (scale.to(observed) - center) / spread;
    return { expected, observed, score, direction: score >= 0 ? 'SPIKE' : 'DROP' };
  }

  private judge(
    state: SeriesState,
    metric: DetectedMetric,
    sample: MinuteSample,
    at: number,
    seasons: readonly number[],
    warmUp: boolean,
  ): IncidentChange[] {
    const p = this.params;
    const m = state.metrics[metric];
    const value = SPECS[metric].value(sample, p);
    const judgement = this.evaluate(metric, m.recent, sample, seasons);
    const watched = judgement !== null && SPECS[metric].directions.includes(judgement.direction);
    const bad = watched && Math.abs(judgement.score) >= p.openScore;
    const good = !watched || Math.abs(judgement.score) < p.resolveScore;
    const keep = () => {
      if (value !== null) m.recent.push(SPECS[metric].scale.to(value));
    };
    if (warmUp) {
      if (!bad) keep();
      return [];
    }

    const changes: IncidentChange[] = [];
    const ref = state.ref;
    if (m.open) {
      if (bad && judgement.direction === m.open.direction) {
        m.goodStreak = 0;
        m.lastBadAt = at;
        changes.push({ kind: 'updated', series: ref, metric, at, judgement: judgement });
      } else if (good) {
        m.goodStreak += 1;
        if (m.goodStreak >= p.resolveAfterMinutes) {
          const endedAt = Math.max(m.lastBadAt, m.open.startedAt) + MINUTE;
          changes.push({ kind: 'resolved', series: ref, metric, endedAt, at });
          m.open = null;
          m.goodStreak = 0;
          m.badStreak = 0;
        }
      } else {
        m.goodStreak = 0;
      }
      if (m.open && at - m.open.startedAt >= p.relearnAfterMinutes * MINUTE) keep();
      else if (!m.open) keep();
      return changes;
    }

    if (bad) {
      if (m.badStreak === 0) m.firstBadAt = at;
      m.badStreak += 1;
      if (m.badStreak >= p.openAfterMinutes) {
        m.open = { startedAt: m.firstBadAt, direction: judgement.direction };
        m.lastBadAt = at;
        m.goodStreak = 0;
        changes.push({ kind: 'opened', series: ref, metric, startedAt: m.firstBadAt, at, judgement: judgement });
      }
      return changes;
    }
    m.badStreak = 0;
    keep();
    return changes;
  }
}
