import {
  DEFAULT_DETECTOR_PARAMS,
  DetectedMetric,
  DetectorRunner,
  IncidentChange,
  IncidentSink,
  SeriesSource,
} from '@app/anomalies';
import { ClickHouseGateway, ClickHouseMigrator } from '@app/clickhouse';
import { isolatedConfig } from '../harness/test-env';

/**
 * The detector on data that looks real: 7 days of seasonal traffic (daily and weekly cycles,
 * noise) for 20 teams with 3 keys each over 4 models, with 14 known incidents injected, inserted
 * into the real engine's raw table (the materialized views fill the rollups), then read back
 * through the detector's own query objects a day at a time and replayed minute by minute with
 * the live state machine. Every injected incident must be found within 3 minutes of its start,
 * and at most 1 false incident may be raised per 7 team-days.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DAYS = 7;
const TEAMS = 20;
const KEY_SHARES = [0.7, 0.2, 0.1];
const MODELS = ['model-a', 'model-b', 'model-c', 'model-d'];
const LATENCY_MS = [400, 800, 1200, 2500];
const TTFT_MS = [120, 200, 300, 500];
const BASE_ERROR_RATE = 0.01;
/**
 * An incident's after-effect: a series too quiet to judge during an injected drop learns the
 * drop into its baseline (60 minutes), so the return to normal may read as a change up to then.
 */
const AFTER_EFFECT_MINUTES = DEFAULT_DETECTOR_PARAMS.recentMinutes;

const uuid = (prefix: string, n: number) => `00000000-0000-4000-${prefix}-${String(n).padStart(12, '0')}`;
const teamId = (t: number) => uuid('8000', t);
const keyId = (t: number, k: number) => uuid('a000', t * 10 + k);
const userId = (t: number, k: number) => uuid('9000', t * 10 + k);
const modelOf = (t: number, k: number) => (t + k) % MODELS.length;

type Kind = 'ERROR_STEP' | 'LATENCY' | 'TTFT' | 'COST_RUNAWAY' | 'TRAFFIC_DROP' | 'TRAFFIC_SPIKE';
interface Injection {
  name: string;
  kind: Kind;
  target: { team: number; key?: number } | { model: number };
  /** day and UTC hour:minute of its start, from the first day */
  day: number;
  at: [number, number];
  minutes: number;
  factor: number;
}

/** Days 0-4 are Monday to Friday, 5 and 6 the weekend. */
const INJECTIONS: Injection[] = [
  {
    name: 'error step on a key',
    kind: 'ERROR_STEP',
    target: { team: 3, key: 0 },
    day: 0,
    at: [16, 30],
    minutes: 30,
    factor: 0.5,
  },
  {
    name: 'error step on model-b',
    kind: 'ERROR_STEP',
    target: { model: 1 },
    day: 1,
    at: [14, 0],
    minutes: 40,
    factor: 0.25,
  },
  {
    name: 'latency regression on a key',
    kind: 'LATENCY',
    target: { team: 0, key: 0 },
    day: 1,
    at: [18, 7],
    minutes: 60,
    factor: 3,
  },
  {
    name: 'cost runaway on a key',
    kind: 'COST_RUNAWAY',
    target: { team: 1, key: 0 },
    day: 2,
    at: [11, 13],
    minutes: 90,
    factor: 8,
  },
  {
    name: 'traffic drop of a team',
    kind: 'TRAFFIC_DROP',
    target: { team: 2 },
    day: 2,
    at: [15, 0],
    minutes: 45,
    factor: 0.1,
  },
  {
    name: 'TTFT regression on model-c',
    kind: 'TTFT',
    target: { model: 2 },
    day: 2,
    at: [20, 31],
    minutes: 30,
    factor: 3,
  },
  {
    name: 'error step of a team',
    kind: 'ERROR_STEP',
    target: { team: 3 },
    day: 3,
    at: [12, 0],
    minutes: 20,
    factor: 0.3,
  },
  {
    name: 'traffic spike of a team',
    kind: 'TRAFFIC_SPIKE',
    target: { team: 4 },
    day: 3,
    at: [16, 45],
    minutes: 30,
    factor: 4,
  },
  {
    name: 'latency regression on model-d',
    kind: 'LATENCY',
    target: { model: 3 },
    day: 3,
    at: [19, 0],
    minutes: 30,
    factor: 2.5,
  },
  {
    name: 'TTFT regression on a key',
    kind: 'TTFT',
    target: { team: 2, key: 0 },
    day: 4,
    at: [13, 22],
    minutes: 40,
    factor: 3,
  },
  { name: 'outage of a team', kind: 'TRAFFIC_DROP', target: { team: 1 }, day: 4, at: [15, 30], minutes: 30, factor: 0 },
  {
    name: 'cost runaway on another key',
    kind: 'COST_RUNAWAY',
    target: { team: 6, key: 0 },
    day: 4,
    at: [17, 0],
    minutes: 60,
    factor: 10,
  },
  {
    name: 'latency regression of a team',
    kind: 'LATENCY',
    target: { team: 0 },
    day: 5,
    at: [15, 0],
    minutes: 45,
    factor: 2.5,
  },
  {
    name: 'TTFT regression of a team',
    kind: 'TTFT',
    target: { team: 5 },
    day: 6,
    at: [15, 0],
    minutes: 30,
    factor: 2.5,
  },
];

/** What an injection moves, and where its incident must show first. */
const METRICS_OF: Record<Kind, DetectedMetric[]> = {
  ERROR_STEP: ['ERROR_RATE'],
  LATENCY: ['LATENCY_P95'],
  TTFT: ['TTFT_P95'],
  COST_RUNAWAY: ['COST', 'TOKENS_PER_MINUTE'],
  TRAFFIC_DROP: ['REQUESTS', 'COST', 'TOKENS_PER_MINUTE'],
  TRAFFIC_SPIKE: ['REQUESTS', 'COST', 'TOKENS_PER_MINUTE'],
};

/** deterministic pseudo-random numbers (mulberry32) */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(mean: number, r: () => number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(r)));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = r(); p > limit; p *= r()) k++;
  return k;
}

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

/**
 * Requests per minute: a team's size (the eleven teams with incidents 30 down to 15 at their
 * peak, the other nine 4 to 8), a daily cycle peaking at 15:00 UTC, quieter weekends.
 */
function rate(team: number, at: number): number {
  const peak = team <= 10 ? 30 - 1.5 * team : 4 + (team - 11) / 2;
  const hour = (at % DAY) / HOUR;
  const daily = 0.3 + 0.7 * (0.5 + 0.5 * Math.cos((2 * Math.PI * (hour - 15)) / 24));
  const weekday = new Date(at).getUTCDay();
  const weekly = weekday === 0 || weekday === 6 ? 0.75 : 1;
  return peak * daily * weekly;
}

describe('anomaly detector evaluation on a week of seasonal traffic', () => {
  let ch: ClickHouseGateway;
  // a whole UTC week from a Monday, ended before now, begun less than the minute rollups' 14 days ago
  // (1970-01-01 was a Thursday: Mondays fall 4 days into the epoch's weeks)
  const MONDAY = 4 * DAY;
  const start = Math.floor((Date.now() - DAYS * DAY - MONDAY) / (7 * DAY)) * 7 * DAY + MONDAY;
  const end = start + DAYS * DAY;
  const startOf = (i: Injection) => start + i.day * DAY + i.at[0] * HOUR + i.at[1] * MINUTE;

  const affects = (i: Injection, team: number, key: number) => {
    if ('model' in i.target) return modelOf(team, key) === i.target.model;
    return i.target.team === team && (i.target.key === undefined || i.target.key === key);
  };
  /**
   * The series where an injection's incident counts as found: the injected key, model or team,
   * or for a team one of its keys (a team calling three models has a p95 made by its slowest
   * model's few calls; the incident on its own key names the same team).
   */
  const primarySeries = (i: Injection): string[] => {
    if ('model' in i.target) return [`MODEL:${MODELS[i.target.model]}`];
    const { team, key } = i.target;
    if (key !== undefined) return [`API_KEY:${keyId(team, key)}`];
    return [`TEAM:${teamId(team)}`, ...KEY_SHARES.map((_, k) => `API_KEY:${keyId(team, k)}`)];
  };
  /** Every series an injection moves: its own and those that contain it (team, model, platform). */
  const touchedSeries = (i: Injection): Set<string> => {
    const out = new Set(['PLATFORM']);
    for (let t = 0; t < TEAMS; t++) {
      KEY_SHARES.forEach((_, k) => {
        if (!affects(i, t, k)) return;
        out
          .add(`TEAM:${teamId(t)}`)
          .add(`API_KEY:${keyId(t, k)}`)
          .add(`MODEL:${MODELS[modelOf(t, k)]}`);
      });
    }
    return out;
  };

  beforeAll(async () => {
    ch = await ClickHouseGateway.connect(isolatedConfig('anomaly_eval').clickhouse);
    await new ClickHouseMigrator(ch).migrate();
    // one row per key and minute: how many calls, and what the incidents do to them
    await ch.command(
      `CREATE TABLE eval_slots (slot UInt64, minute Int64, team_id UUID, user_id UUID, api_key_id UUID, model String,
         n UInt32, error_rate Float64, latency_ms Float64, ttft_ms Float64, token_factor Float64) ENGINE = Memory`,
    );
    const r = random(20261201);
    const rows: unknown[][] = [];
    for (let at = start; at < end; at += MINUTE) {
      for (let t = 0; t < TEAMS; t++) {
        const level = rate(t, at) * Math.max(0.5, 1 + 0.08 * gaussian(r));
        KEY_SHARES.forEach((share, k) => {
          const m = modelOf(t, k);
          let mean = level * share;
          let errorRate = BASE_ERROR_RATE;
          let latency = LATENCY_MS[m];
          let ttft = TTFT_MS[m];
          let tokens = 1;
          for (const i of INJECTIONS) {
            const from = startOf(i);
            if (at < from || at >= from + i.minutes * MINUTE || !affects(i, t, k)) continue;
            if (i.kind === 'ERROR_STEP') errorRate = i.factor;
            if (i.kind === 'LATENCY') latency *= i.factor;
            if (i.kind === 'TTFT') ttft *= i.factor;
            if (i.kind === 'COST_RUNAWAY') tokens *= i.factor;
            if (i.kind === 'TRAFFIC_DROP' || i.kind === 'TRAFFIC_SPIKE') mean *= i.factor;
          }
          const n = poisson(mean, r);
          if (n > 0) {
            rows.push([
              rows.length,
              at,
              teamId(t),
              userId(t, k),
              keyId(t, k),
              MODELS[m],
              n,
              errorRate,
              latency,
              ttft,
              tokens,
            ]);
          }
        });
      }
    }
    const columns = ['slot', 'minute', 'team_id', 'user_id', 'api_key_id', 'model', 'n', 'error_rate', 'latency_ms'];
    columns.push('ttft_ms', 'token_factor');
    for (let i = 0; i < rows.length; i += 100_000)
      await ch.insertColumns('eval_slots', columns, rows.slice(i, i + 100_000));
    // each slot becomes its calls, spread over its minute; noise from hashes, so every run sees the same events
    const u = (salt: number) => `((cityHash64(slot, i, ${salt}) % 1000000) + 0.5) / 1000000`;
    const gauss = (a: number, b: number) => `sqrt(-2 * log(${u(a)})) * cos(2 * pi() * ${u(b)})`;
    for (let day = 0; day < DAYS; day++) {
      await ch.command(
        `INSERT INTO call_events (event_id, occurred_at, team_id, user_id, api_key_id, service, model, model_type, source,
           input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, ttft_ms, status, http_status,
           tags, cost, credits, price_id, priced, kafka_partition, kafka_offset)
         SELECT concat('eval-', toString(slot), '-', toString(i)),
           fromUnixTimestamp64Milli(toInt64(minute + cityHash64(slot, i, 1) % 60000)),
           team_id, user_id, api_key_id, 'chat', model, 'text', 'business',
           toUInt32(token_factor * (200 + cityHash64(slot, i, 2) % 1600)) AS input,
           toUInt32(token_factor * (50 + cityHash64(slot, i, 3) % 400)) AS output, 0, 0,
           toUInt32(latency_ms * exp(0.3 * ${gauss(4, 5)})),
           toUInt32(ttft_ms * exp(0.3 * ${gauss(6, 7)})),
           if(${u(8)} < error_rate, 'error', 'success') AS status, if(status = 'error', 500, 200), [],
           toDecimal128((input * 0.5 + output * 1.5) / 1000000, 15), toDecimal128((input * 50 + output * 150) / 1000000, 15),
           'eval', true, 0, slot * 1000 + i
         FROM eval_slots ARRAY JOIN range(n) AS i
         WHERE minute >= {from:Int64} AND minute < {to:Int64}`,
        {
          params: { from: start + day * DAY, to: start + (day + 1) * DAY },
          settings: { parallel_view_processing: 1, max_insert_threads: '2' },
        },
      );
    }
  }, 600_000);

  afterAll(async () => {
    await ch.command(`DROP DATABASE IF EXISTS ${ch.database}`);
    await ch.close();
  });

  it('finds every injected incident within 3 minutes, with at most 1 false incident per 7 team-days', async () => {
    const [{ events }] = await ch.query<{ events: string }>('SELECT count() AS events FROM call_events');
    const opened: Extract<IncidentChange, { kind: 'opened' }>[] = [];
    const sink: IncidentSink = {
      apply: (changes) => {
        for (const c of changes) if (c.kind === 'opened') opened.push(c);
        return Promise.resolve();
      },
      openIncidents: () => Promise.resolve([]),
    };
    const source = new SeriesSource(ch);
    const runner = new DetectorRunner(source, sink, {
      params: DEFAULT_DETECTOR_PARAMS,
      seasonalWeeks: 4,
      lagMinutes: 0,
      maxCatchUpMinutes: 60,
    });
    const t0 = Date.now();
    await runner.replay(start, end);
    const replaySeconds = (Date.now() - t0) / 1000;

    const explains = (c: (typeof opened)[number]) =>
      INJECTIONS.some((i) => {
        const from = startOf(i);
        return (
          METRICS_OF[i.kind].includes(c.metric) &&
          touchedSeries(i).has(c.series.id) &&
          c.startedAt >= from - MINUTE &&
          c.startedAt <= from + (i.minutes + AFTER_EFFECT_MINUTES) * MINUTE
        );
      });
    const found = INJECTIONS.map((i) => {
      const from = startOf(i);
      const hit = opened.find(
        (c) =>
          primarySeries(i).includes(c.series.id) &&
          METRICS_OF[i.kind].includes(c.metric) &&
          c.startedAt >= from &&
          c.startedAt < from + i.minutes * MINUTE,
      );
      // a minute is judged once it is over: the incident is known at the end of the minute that opened it
      return { name: i.name, delayMinutes: hit ? (hit.at + MINUTE - from) / MINUTE : null };
    });
    const falseIncidents = opened.filter((c) => !explains(c));
    const missedSeries = INJECTIONS.filter((_, n) => found[n].delayMinutes === null).flatMap(primarySeries);
    const delays = found.map((f) => f.delayMinutes).filter((d): d is number => d !== null);
    const teamDays = TEAMS * DAYS;
    const falsePerSevenTeamDays = falseIncidents.length / (teamDays / 7);
    const precision = (opened.length - falseIncidents.length) / opened.length;
    const recall = delays.length / INJECTIONS.length;
    process.stdout.write(
      [
        `anomaly evaluation: ${events} events, ${TEAMS} teams x ${DAYS} days, ${INJECTIONS.length} injected incidents`,
        `  replayed ${DAYS * 24 * 60} minutes in ${replaySeconds.toFixed(1)} s of which reading:`,
        ...[...source.reads].map(([name, r]) => `    ${name}: ${r.count} reads, ${(r.ms / 1000).toFixed(1)} s`),
        `  incidents opened: ${opened.length}, explained by an injection: ${opened.length - falseIncidents.length}`,
        `  precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (${delays.length}/${INJECTIONS.length})`,
        `  detection delay (minutes): min ${Math.min(...delays)}, max ${Math.max(...delays)}, ` +
          `mean ${(delays.reduce((a, b) => a + b, 0) / delays.length).toFixed(2)}`,
        `  false incidents: ${falseIncidents.length} (${falsePerSevenTeamDays.toFixed(3)} per 7 team-days)`,
        ...found.map((f) => `    ${f.name}: ${f.delayMinutes === null ? 'MISSED' : `${f.delayMinutes} min`}`),
        ...opened
          .filter((c) => missedSeries.includes(c.series.id))
          .map((c) => `    on a missed series: ${c.metric} ${c.series.id} from ${new Date(c.startedAt).toISOString()}`),
        ...falseIncidents.map(
          (c) =>
            `    false: ${c.metric} ${c.series.id} at ${new Date(c.startedAt).toISOString()} ` +
            `expected ${c.judgement.expected.toFixed(3)} observed ${c.judgement.observed.toFixed(3)} ` +
            `score ${c.judgement.score.toFixed(1)}`,
        ),
      ].join('\n') + '\n',
    );
    expect(found.filter((f) => f.delayMinutes === null || f.delayMinutes > 3)).toEqual([]);
    expect(falsePerSevenTeamDays).toBeLessThanOrEqual(1);
  }, 600_000);
});
