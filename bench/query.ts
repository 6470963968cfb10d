/**
 * Dashboard query benchmark (not a test):
 *   npm run bench:query -- [--events 10000000] [--runs 20] [--postgres-events N] [--data DIR]
 *
 * Loads synthetic events with a realistic shape (300 teams with power-law activity, 30 keys per
 * team each owned by one of 20 users and used for one service and one source, power-law use of
 * keys and of 40 models, each key mostly calling one model of its own, the model fixing the model
 * type, 30 days, more recent traffic denser) straight into a fresh
 * embedded ClickHouse (the materialized views fill the rollups), copies the same events into a
 * Postgres table with the obvious indexes, then times the dashboard set through the same query
 * layer the API uses, and the same aggregates as Postgres GROUP BY queries.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import {
  CallLogOrder,
  CallLogsQuery,
  CostReportQuery,
  Granularity,
  ListCursors,
  RangePreset,
  summaryMeasures,
  UsageAggregator,
  UsageDimension,
  UsageMetric,
  UsageQueries,
} from '@app/analytics';
import { ClickHouseGateway, ClickHouseMigrator } from '@app/clickhouse';
import type { LabelDirectory } from '../libs/analytics/src/label-directory';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const EVENTS = Number(arg('events', '10000000'));
const PG_EVENTS = Number(arg('postgres-events', String(EVENTS)));
const RUNS = Number(arg('runs', '20'));
const WARM_UP_ROUNDS = 3;
/**
 * a directory to keep the loaded engine in: a second run with the same --data and --events times it again
 * without loading
 */
const DATA = arg('data', '');
const CHUNK = 1_000_000;
const ROLLUPS = [
  'usage_platform_totals_1m',
  'usage_team_1m',
  'usage_platform_totals_1h',
  'usage_platform_1h',
  'usage_team_totals_1h',
  'usage_team_1h',
  'usage_key_1h',
  'usage_platform_totals_1d',
  'usage_team_totals_1d',
  'usage_key_1d',
  'usage_user_1d',
  'usage_detail_1d',
  'usage_user_models_1h',
  'usage_user_models_1d',
  'usage_team_models_1d',
  'usage_errors_1h',
  'usage_errors_1d',
  'usage_tags_1h',
  'usage_tags_1d',
];

/** Nearest-rank percentile: of 20 runs the p95 is the 19th, the p50 the 10th. */
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

type Timed = [label: string, run: () => Promise<unknown>];

/**
 * Rounds of the whole dashboard set, one query after another as a page load issues them: each
 * query is timed among the others, not warmed by repeats of itself. The first rounds are not
 * counted: a query shape's first few runs in a process are 2-4x slower (measured: SELECT 1
 * takes 32, 9, 11 ms, then 2 ms).
 */
async function timeRounds(set: Timed[]): Promise<{ label: string; p50: number; p95: number }[]> {
  const samples = set.map(() => [] as number[]);
  for (let round = -WARM_UP_ROUNDS; round < RUNS; round++) {
    for (const [i, [, run]] of set.entries()) {
      const t = process.hrtime.bigint();
      await run();
      if (round >= 0) samples[i].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    process.stdout.write(`\r  round ${round + WARM_UP_ROUNDS + 1}/${RUNS + WARM_UP_ROUNDS}`);
  }
  process.stdout.write('\n');
  return set.map(([label], i) => ({ label, p50: pct(samples[i], 50), p95: pct(samples[i], 95) }));
}

/** The fields apps/web's team overview asks of usageSummary. */
const OVERVIEW_KPIS = ['requests', 'successRate', 'latencyP95', 'totalTokens', 'cost'];

async function main() {
  const dir = DATA ? path.resolve(DATA) : fs.mkdtempSync(path.join(os.tmpdir(), 'bench-query-'));
  fs.mkdirSync(dir, { recursive: true });
  const loadedMarker = path.join(dir, 'loaded.json');
  const loaded = fs.existsSync(loadedMarker)
    ? (JSON.parse(fs.readFileSync(loadedMarker, 'utf8')) as { events: number; now: number })
    : null;
  if (loaded && loaded.events !== EVENTS)
    throw new Error(
      `${dir} holds ${loaded.events} events, not ${EVENTS}: pass --events ${loaded.events} or another --data`,
    );
  // the events are spread back from `now`; a kept dataset is timed at the instant it was made for
  const now = loaded?.now ?? Date.now();
  const ch = await ClickHouseGateway.connect({ mode: 'embedded', path: path.join(dir, 'ch'), database: 'bench' });
  await new ClickHouseMigrator(ch).migrate();
  const t0 = Date.now();
  if (loaded) process.stdout.write(`ClickHouse: ${EVENTS} events kept in ${dir}\n`);
  for (let done = loaded ? EVENTS : 0; done < EVENTS; done += CHUNK) {
    const n = Math.min(CHUNK, EVENTS - done);
    await ch.command(
      `INSERT INTO call_events (event_id, occurred_at, team_id, user_id, api_key_id, service, model, model_type, source,
         input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, ttft_ms, status, http_status,
         error_code, tags, request_id, cost, credits, price_id, priced, kafka_partition, kafka_offset,
         input_cost, output_cost, cache_read_cost, cache_write_cost)
       SELECT toString(generateUUIDv4()),
         fromUnixTimestamp64Milli(toInt64({now:Int64} - pow(rand(1) / 4294967295, 1.4) * 30 * 86400000)),
         toUUID(concat('00000000-0000-4000-8000-', leftPad(toString(team), 12, '0'))),
         toUUID(concat('00000000-0000-4000-9000-', leftPad(toString(team * 20 + key_slot % 20), 12, '0'))),
         toUUID(concat('00000000-0000-4000-a000-', leftPad(toString(team * 30 + key_slot), 12, '0'))),
         ['chat', 'batch', 'agent', 'search', 'rerank'][1 + key_slot % 5],
         concat('model-', toString(m)),
         ['text', 'text', 'text', 'vision', 'embedding'][1 + m % 5],
         if(key_slot % 10 = 9, 'internal', 'business'),
         input, output, intDiv(input, 4), intDiv(input, 10), 50 + rand(9) % 5000,
         -- embeddings record no time to first token; one call in 50 fails with a status and mostly a code;
         -- a key's calls carry one of a few tag sets of its own, a third none
         if(m % 5 = 4, NULL, 20 + rand(14) % 2000),
         if(failed, 'error', 'success'), if(failed, [500, 503, 429, 400][1 + rand(15) % 4], 200),
         if(failed AND rand(16) % 5 > 0, ['timeout', 'rate_limited', 'upstream_error'][1 + rand(17) % 3], NULL),
         [[], [], ['prod'], ['prod', 'batch'], ['eval'], ['ci', 'nightly']][1 + (key_slot + rand(18) % 2) % 6],
         concat('req-', toString(number)),
         -- cost is its line items' sum, as pricing writes it; credits are 100 per unit of cost
         input_item + output_item + cache_read_item + cache_write_item AS row_cost, row_cost * 100,
         'p', true, 0, number,
         toDecimal128((input - intDiv(input, 4) - intDiv(input, 10)) * 550, 15) / 1000000000 AS input_item,
         toDecimal128(output * 2200, 15) / 1000000000 AS output_item,
         toDecimal128(intDiv(input, 4) * 55, 15) / 1000000000 AS cache_read_item,
         toDecimal128(intDiv(input, 10) * 690, 15) / 1000000000 AS cache_write_item
       FROM (SELECT number, toUInt32(pow(rand(11) / 4294967295, 3) * 300) AS team,
               toUInt32(pow(rand(3) / 4294967295, 2) * 30) AS key_slot,
               100 + rand(12) % 8000 AS input, rand(8) % 2000 AS output,
               rand(10) % 50 = 0 AS failed,
               -- a key mostly calls its own model (picked power-law per key), sometimes any other
               if(rand(13) % 10 < 7, toUInt32(pow((cityHash64(team, key_slot) % 1000) / 1000, 2) * 40),
                  toUInt32(pow(rand(5) / 4294967295, 2) * 40)) AS m
             FROM numbers({offset:UInt64}, {n:UInt64}))`,
      { params: { now, n, offset: done }, settings: { parallel_view_processing: 1, max_insert_threads: '2' } },
    );
    process.stdout.write(
      `\rClickHouse: loaded ${done + n}/${EVENTS} (${Math.round((done + n) / ((Date.now() - t0) / 1000))} events/s)`,
    );
  }
  if (!loaded) process.stdout.write('\n');
  if (DATA) fs.writeFileSync(loadedMarker, JSON.stringify({ events: EVENTS, now }));
  const rowsPerTable = () =>
    ch.query<{ table: string; rows: string }>(
      `SELECT table, sum(rows) AS rows FROM system.parts WHERE active AND database = 'bench' AND table IN
        {tables:Array(String)} GROUP BY table ORDER BY table`,
      { params: { tables: ['call_events', ...ROLLUPS] } },
    );
  const counts = await rowsPerTable();
  for (const c of counts) process.stdout.write(`  ${c.table}: ${c.rows} rows in active parts after the load\n`);
  // a running system's background merges collapse each rollup to one row per key and raw months
  // into few parts; do it now so the timings are of that steady state, not of tables that are
  // still merging (a kept dataset's merged partitions are left as they are; a migration that
  // copies a table leaves it in many parts)
  const t2 = Date.now();
  for (const table of ['call_events', ...ROLLUPS]) {
    await ch.command(`OPTIMIZE TABLE ${table} FINAL`, { settings: { optimize_skip_merged_partitions: 1 } });
  }
  const merged = await rowsPerTable();
  process.stdout.write(`rollups merged in ${((Date.now() - t2) / 1000).toFixed(0)} s:\n`);
  const raw = Number(merged.find((c) => c.table === 'call_events')?.rows ?? 1);
  for (const c of merged)
    process.stdout.write(`  ${c.table}: ${c.rows} rows (${((100 * Number(c.rows)) / raw).toFixed(1)}% of raw)\n`);

  const labels = {
    labelsFor: async (_: UsageDimension, ks: string[]) => new Map(ks.map((k) => [k, k])),
    describe: async (_: UsageDimension, ks: string[]) =>
      new Map(ks.map((k) => [k, { label: k, email: null, teamNames: [] }])),
  };
  const queries = new UsageQueries(new UsageAggregator(ch), labels as unknown as LabelDirectory, {
    pricing: { creditsPerUnit: 100, currency: 'USD' },
  });
  const logs = new CallLogsQuery(ch, new UsageAggregator(ch), new ListCursors({ cursors: {} }));
  const team = '00000000-0000-4000-8000-000000000003';
  const week = { range: { preset: RangePreset.LAST_7_DAYS } };
  const month = { range: { preset: RangePreset.LAST_30_DAYS } };
  // presets of a day or more end on the hour; a custom range to the minute reads raw for its edges
  const minuteTo = Math.ceil((now + 1) / 60_000) * 60_000;
  const monthToTheMinute = { range: { from: new Date(minuteTo - 30 * 86_400_000), to: new Date(minuteTo) } };
  const costs = new CostReportQuery(
    new UsageAggregator(ch),
    labels as unknown as LabelDirectory,
    new ListCursors({ cursors: {} }),
    { pricing: { creditsPerUnit: 100, currency: 'USD' } },
  );
  const teamModelDay = { groupBy: [UsageDimension.TEAM, UsageDimension.MODEL], granularity: Granularity.DAY };
  // a call from the middle of the range: what an SRE pastes from a gateway log (events before the
  // loader wrote request ids have none: their lookup by request id finds nothing, through the same index)
  const [probe] = await ch.query<{ event_id: string; request_id: string }>(
    `SELECT event_id, ifNull(request_id, 'req-none') AS request_id FROM call_events
      WHERE occurred_at < fromUnixTimestamp64Milli({at:Int64}) ORDER BY occurred_at DESC LIMIT 1`,
    { params: { at: now - 15 * 86_400_000 } },
  );
  const chResults = await timeRounds([
    ['summary, 7 days, all teams', () => queries.summary(week, now)],
    ['summary, 7 days, one team', () => queries.summary({ ...week, teamIds: [team] }, now)],
    [
      'trend, 7 days hourly, split by model',
      () =>
        queries.trend(
          week,
          Granularity.HOUR,
          [UsageMetric.REQUESTS, UsageMetric.TOTAL_TOKENS],
          UsageDimension.MODEL,
          now,
        ),
    ],
    [
      'ranking, 30 days, top 10 keys',
      () => queries.ranking(month, UsageDimension.API_KEY, UsageMetric.TOTAL_TOKENS, 10, Granularity.DAY, now),
    ],
    [
      'breakdown, 30 days, by user, first 50',
      () =>
        queries.breakdown(
          month,
          { view: UsageDimension.USER, orderBy: UsageMetric.COST, descending: true, first: 50 },
          now,
        ),
    ],
    [
      'breakdown, 30 days, by team, first 50',
      () =>
        queries.breakdown(
          month,
          { view: UsageDimension.TEAM, orderBy: UsageMetric.COST, descending: true, first: 50 },
          now,
        ),
    ],
    [
      'callLogs, 1 day, first page',
      () => logs.execute({ range: { preset: RangePreset.LAST_1_DAY } }, { first: 50 }, now),
    ],
    [
      'ranking, 30 days to the minute (custom range)',
      () =>
        queries.ranking(monthToTheMinute, UsageDimension.API_KEY, UsageMetric.TOTAL_TOKENS, 10, Granularity.DAY, now),
    ],
    // ClickHouse only from here (no Postgres counterpart)
    [
      'callLogs, 1 day, slowest first',
      () =>
        logs.execute({ range: { preset: RangePreset.LAST_1_DAY } }, { first: 50, orderBy: CallLogOrder.LATENCY }, now),
    ],
    ['callLog by event id (90 days, bloom filter)', () => logs.one({ eventId: probe.event_id }, { everyone: true })],
    [
      'callLog by request id (90 days, bloom filter)',
      () => logs.one({ requestId: probe.request_id }, { everyone: true }),
    ],
    // error analytics (no Postgres counterpart)
    [
      'ranking, 30 days, HTTP statuses by error rate',
      () => queries.ranking(month, UsageDimension.HTTP_STATUS, UsageMetric.ERROR_RATE, 10, Granularity.DAY, now),
    ],
    [
      'trend, 7 days hourly, errors and TTFT p95 by error code, one team',
      () =>
        queries.trend(
          { ...week, teamIds: [team], httpStatuses: [500, 503] },
          Granularity.HOUR,
          [UsageMetric.ERRORS, UsageMetric.TTFT_P95],
          UsageDimension.ERROR_CODE,
          now,
        ),
    ],
    ['summary, 30 days, tag filter', () => queries.summary({ ...month, tags: ['prod'] }, now)],
    // finance (no Postgres counterpart)
    [
      'costReport, 30 days, team × model × day, first 100',
      () => costs.execute(month, { ...teamModelDay, first: 100 }, now),
    ],
    [
      'costReport, 30 days, user × service, first 100',
      () => costs.execute(month, { groupBy: [UsageDimension.USER, UsageDimension.SERVICE], first: 100 }, now),
    ],
    [
      'ranking, 30 days, top tags by requests',
      () => queries.ranking(month, UsageDimension.TAG, UsageMetric.REQUESTS, 10, Granularity.DAY, now),
    ],
    // what the API reads for the team overview's KPI cards: the fields asked for, not all thirty
    [
      "summary, 7 days, one team, the overview's KPI fields",
      () => queries.summary({ ...week, teamIds: [team] }, now, summaryMeasures(OVERVIEW_KPIS)),
    ],
  ]);
  // --postgres-events 0 leaves Postgres out (a 100M-row copy and its indexes take longer than the ClickHouse side)
  const pgResults = PG_EVENTS > 0 ? await postgresTimings() : null;

  process.stdout.write(
    `\n${RUNS} rounds of the set after ${WARM_UP_ROUNDS} warm-up rounds; ` +
      `ClickHouse ${EVENTS} events, Postgres ${PG_EVENTS || 'skipped'}\n`,
  );
  process.stdout.write(
    `| query | ClickHouse p50 ms | p95 ms | Postgres p50 ms | p95 ms | p50 ratio |\n|---|---|---|---|---|---|\n`,
  );
  chResults.forEach((c, i) => {
    const p = pgResults?.[i];
    const pgCells = p ? `${p.p50.toFixed(1)} | ${p.p95.toFixed(1)} | ${(p.p50 / c.p50).toFixed(0)}×` : '– | – | –';
    process.stdout.write(`| ${c.label} | ${c.p50.toFixed(1)} | ${c.p95.toFixed(1)} | ${pgCells} |\n`);
  });
  await ch.close();
  if (!DATA) fs.rmSync(dir, { recursive: true, force: true });

  async function postgresTimings() {
    const pgDb = `bench_query_${process.pid}`;
    const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pgDb}`);
    const pg = new Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${pgDb}` });
    await pg.connect();
    await pg.query(`CREATE TABLE call_events (event_id text, occurred_at timestamptz, team_id uuid, user_id uuid,
      api_key_id uuid, service text, model text,
      input_tokens int, output_tokens int, latency_ms int, status text, cost numeric(38, 15))`);
    const csv = path.join(dir, 'events.csv');
    const t1 = Date.now();
    await ch.command(
      `SELECT event_id, formatDateTime(occurred_at, '%Y-%m-%d %H:%i:%S.%f', 'UTC'), team_id, user_id, api_key_id,
        service, model, input_tokens, output_tokens, latency_ms, status, cost
       FROM call_events LIMIT {n:UInt64} INTO OUTFILE '${csv}' FORMAT CSV`,
      // the bench's own temp path: OUTFILE takes no parameter
      { params: { n: PG_EVENTS } },
    );
    execFileSync('psql', [
      '-h',
      '127.0.0.1',
      '-U',
      'postgres',
      '-d',
      pgDb,
      '-qc',
      `\\copy call_events FROM '${csv}' WITH (FORMAT csv)`,
    ]);
    await pg.query('CREATE INDEX ON call_events (team_id, occurred_at)');
    await pg.query('CREATE INDEX ON call_events (occurred_at)');
    await pg.query('CREATE INDEX ON call_events (user_id, occurred_at)');
    await pg.query('VACUUM ANALYZE call_events');
    fs.rmSync(csv);
    process.stdout.write(
      `Postgres: ${PG_EVENTS} of the same events copied and indexed in ${((Date.now() - t1) / 1000).toFixed(0)} s\n`,
    );

    const since = (days: number) => new Date(now - days * 86_400_000);
    const results = await timeRounds([
      [
        'summary, 7 days, all teams',
        () =>
          pg.query(
            `SELECT count(*), sum(input_tokens), sum(output_tokens), sum(cost), count(DISTINCT user_id) FROM
              call_events WHERE occurred_at >= $1`,
            [since(7)],
          ),
      ],
      [
        'summary, 7 days, one team',
        () =>
          pg.query(
            `SELECT count(*), sum(input_tokens), sum(output_tokens), sum(cost), count(DISTINCT user_id) FROM
              call_events WHERE team_id = $2 AND occurred_at >= $1`,
            [since(7), team],
          ),
      ],
      [
        'trend, 7 days hourly, split by model',
        () =>
          pg.query(
            `SELECT date_trunc('hour', occurred_at) h, model, count(*), sum(input_tokens + output_tokens) FROM
              call_events WHERE occurred_at >= $1 GROUP BY 1, 2`,
            [since(7)],
          ),
      ],
      [
        'ranking, 30 days, top 10 keys',
        () =>
          pg.query(
            `SELECT api_key_id, sum(input_tokens + output_tokens) t FROM call_events WHERE occurred_at >= $1 GROUP BY
              1 ORDER BY 2 DESC LIMIT 10`,
            [since(30)],
          ),
      ],
      [
        'breakdown, 30 days, by user, first 50',
        () =>
          pg.query(
            `SELECT user_id, count(*), sum(input_tokens), sum(output_tokens), sum(cost) c FROM call_events WHERE
              occurred_at >= $1 GROUP BY 1 ORDER BY c DESC LIMIT 50`,
            [since(30)],
          ),
      ],
      [
        'breakdown, 30 days, by team, first 50',
        () =>
          pg.query(
            `SELECT team_id, count(*), sum(input_tokens), sum(output_tokens), sum(cost) c FROM call_events WHERE
              occurred_at >= $1 GROUP BY 1 ORDER BY c DESC LIMIT 50`,
            [since(30)],
          ),
      ],
      [
        'callLogs, 1 day, first page',
        () =>
          pg.query(
            'SELECT * FROM call_events WHERE occurred_at >= $1 ORDER BY occurred_at DESC, event_id DESC LIMIT 51',
            [since(1)],
          ),
      ],
      [
        'ranking, 30 days to the minute (custom range)',
        () =>
          pg.query(
            `SELECT api_key_id, sum(input_tokens + output_tokens) t FROM call_events WHERE occurred_at >= $1 GROUP BY
              1 ORDER BY 2 DESC LIMIT 10`,
            [since(30)],
          ),
      ],
    ]);
    await pg.end();
    await admin.query(`DROP DATABASE ${pgDb}`);
    await admin.end();
    return results;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
