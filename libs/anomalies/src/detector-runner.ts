import {
  AnomalyDetector,
  DetectorParams,
  IncidentChange,
  MinuteSample,
  OpenIncident,
  SeasonalLookup,
  SeriesRef,
} from './detector/detector';
import type { SeriesSource } from './series-source';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Where a run's changes go (the store, and from it the incidents port). */
export interface IncidentSink {
  apply(changes: readonly IncidentChange[]): Promise<void>;
  openIncidents(): Promise<{ incident: OpenIncident; ref: SeriesRef }[]>;
}

export interface RunnerOptions {
  params: DetectorParams;
  /** past weeks of the same hour that make the seasonal baseline (0: recent median only) */
  seasonalWeeks: number;
  /** whole minutes a minute is left to complete before it is judged */
  lagMinutes: number;
  /** a gap longer than this (a stopped process) is not replayed: the runner warms up again */
  maxCatchUpMinutes: number;
}

export interface RunOutcome {
  /** minutes judged (0 when the run only warmed up) */
  judged: number;
  warmedUp: boolean;
  changes: IncidentChange[];
}

const NO_SAMPLES = new Map<string, { ref: SeriesRef; sample: MinuteSample }>();

/**
 * One live detector: each run reads the minutes since the previous run (one query per family),
 * feeds them to the pure detector in order and hands the changes to the sink. The first run, and
 * a run after a failure or a long gap, warms up instead: it reads the last `recentMinutes`, fills
 * the baselines and takes the store's open incidents back, judging nothing.
 */
export class DetectorRunner {
  private detector: AnomalyDetector | null = null;
  /** the first minute not judged yet */
  private next = 0;
  /** seasonal lookups of the hours being judged */
  private seasons = new Map<number, SeasonalLookup>();

  constructor(
    private readonly source: SeriesSource,
    private readonly sink: IncidentSink,
    private readonly options: RunnerOptions,
  ) {}

  /** Series the detector keeps a baseline for. */
  get seriesCount(): number {
    return this.detector?.size ?? 0;
  }

  async run(now: number): Promise<RunOutcome> {
    const end = Math.floor(now / MINUTE) * MINUTE - this.options.lagMinutes * MINUTE;
    if (!this.detector || end - this.next > this.options.maxCatchUpMinutes * MINUTE) {
      await this.warmUp(end);
      return { judged: 0, warmedUp: true, changes: [] };
    }
    if (end <= this.next) return { judged: 0, warmedUp: false, changes: [] };
    const judged = (end - this.next) / MINUTE;
    const changes = await this.judge(this.detector, this.next, end);
    this.next = end;
    return { judged, warmedUp: false, changes };
  }

  /**
   * Judge [from, to) from a fresh detector as the live runs would have, a day of minutes per read:
   * the evaluation replays a week this way (minutes with no baseline yet are only learnt from).
   */
  async replay(from: number, to: number, chunkMinutes = 24 * 60): Promise<IncidentChange[]> {
    const detector = new AnomalyDetector(this.options.params);
    this.detector = detector;
    const changes: IncidentChange[] = [];
    for (let start = from; start < to; start += chunkMinutes * MINUTE) {
      changes.push(...(await this.judge(detector, start, Math.min(to, start + chunkMinutes * MINUTE))));
    }
    this.next = to;
    return changes;
  }

  /** Read [from, to) (one query per family), feed it minute by minute, store the changes. */
  private async judge(detector: AnomalyDetector, from: number, to: number): Promise<IncidentChange[]> {
    try {
      const [minutes] = await Promise.all([this.source.minutes(from, to), this.readSeasons(from, to)]);
      const frames = new Map(minutes.map((f) => [f.at, f.samples]));
      const changes: IncidentChange[] = [];
      for (let at = from; at < to; at += MINUTE) {
        const seasons = this.seasons.get(Math.floor(at / HOUR) * HOUR);
        changes.push(...detector.step(at, frames.get(at) ?? NO_SAMPLES, seasons));
      }
      await this.sink.apply(changes);
      return changes;
    } catch (error) {
      // the detector may have judged minutes whose changes were not stored: start over from the store
      this.detector = null;
      throw error;
    }
  }

  private async warmUp(end: number): Promise<void> {
    const detector = new AnomalyDetector(this.options.params);
    const from = end - this.options.params.recentMinutes * MINUTE;
    const frames = await this.source.minutes(from, end);
    const byAt = new Map(frames.map((f) => [f.at, f.samples]));
    for (let at = from; at < end; at += MINUTE) detector.step(at, byAt.get(at) ?? NO_SAMPLES, undefined, true);
    const open = await this.sink.openIncidents();
    detector.restore(
      open.map((o) => o.incident),
      new Map(open.map((o) => [o.ref.id, o.ref])),
      end,
    );
    this.detector = detector;
    this.next = end;
  }

  /** The seasonal lookups of the hours of [from, to) not read yet (a live run: at most one new hour). */
  private async readSeasons(from: number, to: number): Promise<void> {
    const hours: number[] = [];
    for (let hour = Math.floor(from / HOUR) * HOUR; hour < to; hour += HOUR) hours.push(hour);
    for (const hour of this.seasons.keys()) if (!hours.includes(hour)) this.seasons.delete(hour);
    const missing = hours.filter((hour) => !this.seasons.has(hour));
    if (missing.length === 0) return;
    for (const [hour, lookup] of await this.source.seasons(missing, this.options.seasonalWeeks)) {
      this.seasons.set(hour, lookup);
    }
  }
}
