import type { ClickHouseGateway } from '@app/clickhouse';
import { PERSONAL_SPACE_TEAM_ID } from '@app/ingest';
import type { DetectedMetric, MinuteSample, SeasonalLookup, SeriesRef } from './detector/detector';
import { FamilySeriesRead, SERIES_FAMILIES, SeriesFamily, SeriesRow } from './query/series-reads';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const WEEK = 7 * 24 * HOUR;

/** Every series with calls in one minute. */
export interface MinuteFrame {
  at: number;
  samples: Map<string, { ref: SeriesRef; sample: MinuteSample }>;
}

const num = (value: number | string | null): number => (value === null ? Number.NaN : Number(value));
const quantile = (value: number | null): number | null => (value === null || !Number.isFinite(value) ? null : value);
const id = (value: string): string | null => (value === '' || value === PERSONAL_SPACE_TEAM_ID ? null : value);

function refOf(family: SeriesFamily, row: Pick<SeriesRow, 'k' | 'team' | 'owner'>): SeriesRef {
  if (family === 'PLATFORM') return { id: 'PLATFORM', dimension: null, key: null, teamId: null, ownerId: null };
  return { id: `${family}:${row.k}`, dimension: family, key: row.k, teamId: id(row.team), ownerId: id(row.owner) };
}

function sampleOf(row: SeriesRow): MinuteSample {
  return {
    requests: num(row.requests),
    errors: num(row.errors),
    cost: row.cost,
    tokens: num(row.tokens),
    latencyP95: quantile(row.latency_p95),
    ttftP95: quantile(row.ttft_p95),
  };
}

/**
 * The detector's reads: one query per family (platform, teams, models, keys) over a window, turned into minute frames; and the seasonal baseline of an hour (the same
 * hour of past weeks, from the hour rollups). The live loop and the evaluation read through
 * this same code.
 */
export class SeriesSource {
  /** reads issued and the time they took, per query, for the bench and the evaluation */
  readonly reads = new Map<string, { count: number; ms: number }>();

  constructor(private readonly ch: ClickHouseGateway) {}

  /** The minutes [from, to) with calls, in time order (a minute without any call anywhere is left out). */
  async minutes(from: number, to: number): Promise<MinuteFrame[]> {
    const frames = new Map<number, MinuteFrame>();
    const frame = (at: number) => {
      let f = frames.get(at);
      if (!f) frames.set(at, (f = { at, samples: new Map() }));
      return f;
    };
    const ranges = [{ from, to }];
    const families = await Promise.all(
      SERIES_FAMILIES.map((family) => this.read(new FamilySeriesRead(family, 'minute', ranges))),
    );
    SERIES_FAMILIES.forEach((family, i) => {
      for (const row of families[i]) {
        const ref = refOf(family, row);
        frame(num(row.t)).samples.set(ref.id, { ref, sample: sampleOf(row) });
      }
    });
    return [...frames.values()].sort((a, b) => a.at - b.at);
  }

  /**
   * For each hour (its start): per series and metric, the per-minute values of the same hour of
   * the week in each of the past `weeks` weeks that had calls then. All hours in one read per
   * family: a live run asks for one hour, a replay for a day of them.
   */
  async seasons(hours: readonly number[], weeks: number): Promise<Map<number, SeasonalLookup>> {
    const out = new Map<number, SeasonalLookup>();
    if (weeks < 1 || hours.length === 0) {
      for (const hour of hours) out.set(hour, () => []);
      return out;
    }
    const ranges = hours.flatMap((hour) =>
      Array.from({ length: weeks }, (_, w) => ({ from: hour - (w + 1) * WEEK, to: hour - (w + 1) * WEEK + HOUR })),
    );
    // per past hour, per series, per metric
    const values = new Map<number, Map<string, Record<DetectedMetric, number[]>>>();
    const add = (t: number, seriesId: string, metric: DetectedMetric, value: number | null) => {
      if (value === null || !Number.isFinite(value)) return;
      let bySeries = values.get(t);
      if (!bySeries) values.set(t, (bySeries = new Map<string, Record<DetectedMetric, number[]>>()));
      let record = bySeries.get(seriesId);
      if (!record) {
        record = { REQUESTS: [], ERROR_RATE: [], LATENCY_P95: [], TTFT_P95: [], COST: [], TOKENS_PER_MINUTE: [] };
        bySeries.set(seriesId, record);
      }
      record[metric].push(value);
    };
    const families = await Promise.all(
      SERIES_FAMILIES.map((family) => this.read(new FamilySeriesRead(family, 'hour', ranges))),
    );
    SERIES_FAMILIES.forEach((family, i) => {
      for (const row of families[i]) {
        const t = num(row.t);
        const seriesId = refOf(family, row).id;
        const requests = num(row.requests);
        add(t, seriesId, 'REQUESTS', requests / 60);
        add(t, seriesId, 'ERROR_RATE', requests > 0 ? num(row.errors) / requests : null);
        add(t, seriesId, 'LATENCY_P95', quantile(row.latency_p95));
        add(t, seriesId, 'TTFT_P95', quantile(row.ttft_p95));
        add(t, seriesId, 'COST', row.cost / 60);
        add(t, seriesId, 'TOKENS_PER_MINUTE', num(row.tokens) / 60);
      }
    });
    for (const hour of hours) {
      const past = Array.from({ length: weeks }, (_, w) => values.get(hour - (w + 1) * WEEK));
      out.set(hour, (seriesId, metric) => past.flatMap((byHour) => byHour?.get(seriesId)?.[metric] ?? []));
    }
    return out;
  }

  private async read(query: FamilySeriesRead): Promise<SeriesRow[]> {
    const { sql, params } = query.toSQL();
    const name = `${query.family} ${query.grain}`;
    const started = performance.now();
    try {
      return await this.ch.query<SeriesRow>(sql, { params });
    } finally {
      const seen = this.reads.get(name) ?? { count: 0, ms: 0 };
      this.reads.set(name, { count: seen.count + 1, ms: seen.ms + performance.now() - started });
    }
  }
}
