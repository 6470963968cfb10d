/**
 * End-to-end ingest benchmark (not a test):
 *   npm run bench:ingest -- --events 200000 [--dedup off] [--worker-batch 20000] [--preload]
 *   npm run bench:ingest -- --soak-minutes 30 --rate 1000
 *
 * Starts the standalone app (API + worker, embedded ClickHouse in a fresh data dir) as a child
 * process, produces N events to calls.v1 as fast as it can, and reports end-to-end events/s
 * (until all are visible in the minute rollup), freshness p50/p99 (produce ack → visible in
 * usageSummary, from the two timelines), and the worker's peak RSS. With --preload the events
 * are produced before the app starts, so the drain rate is the worker's alone. Then the engine
 * ceiling: the same events, priced and encoded as the worker encodes them (untimed), inserted
 * straight into the engine (no Kafka, no worker) in a fresh database with every view attached,
 * in chunks of the worker's size with its insert settings; the worker's rate over that is the
 * ratio (issue 19). The worker's time per step (ingest_stage_seconds_total) is printed too. In soak mode it produces
 * at a steady rate and prints ClickHouse active parts per table every 30 s. With no progress for
 * a minute it stops and prints the worker's log (BENCH_SHOW_LOG=1 prints it at the end too).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, CompressionTypes, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { ClickHouseGateway, ClickHouseMigrator } from '@app/clickhouse';
import { AppConfig, loadConfig } from '@app/config';
import { callEventInsertSettings, CallEventRow, encodeCallEventRows, toRowOrReason } from '@app/ingest';
import { applicationTopics, createKafka, ensureTopics } from '@app/kafka';
import { ChildApp, freePort, runCli } from '../test/harness/child-app';
import { ensureLocalKafka } from './kafka';
import { makeEvent } from '../test/harness/events';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const EVENTS = Number(arg('events', '200000'));
const DEDUP = arg('dedup', 'on') !== 'off';
const SOAK_MINUTES = Number(arg('soak-minutes', '0'));
const PRELOAD = args.includes('--preload');
const RATE = Number(arg('rate', '2000'));
const BATCH = Number(arg('batch', '2000'));
const IN_FLIGHT = 4;
const STALL_MS = 60_000;
const TOKEN = `bench-${randomUUID()}`;
const WORKER_BATCH = arg('worker-batch', '20000');
const PRICE = { model: 'deepseek-r1-distill-llama-70b', input: '0.55', output: '2.19', cacheRead: '0.14' };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function main() {
  await ensureLocalKafka();
  const id = `bench_${Date.now()}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-chdb-'));
  const env: Record<string, string> = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${id}`,
    KAFKA_BROKERS: '127.0.0.1:9092',
    KAFKA_CALLS_TOPIC: `calls.v1.${id}`,
    KAFKA_TEAM_EVENTS_TOPIC: `team-events.v1.${id}`,
    KAFKA_CONSUMER_GROUP: `ingest.${id}`,
    CLICKHOUSE_PATH: dataDir,
    SERVICE_TOKEN: TOKEN,
    INGEST_BATCH_MAX_EVENTS: WORKER_BATCH,
    INGEST_BATCH_MAX_WAIT_MS: arg('worker-wait-ms', '200'),
    INGEST_DEDUP_BY_EVENT_ID: DEDUP ? 'true' : 'false',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    // the bench polls the summary as fast as it can; the per-user budget would throttle the polling, not ingest
    RATE_LIMIT_EXPENSIVE_PER_MINUTE: '1000000',
    // BENCH_WORKER_NODE_OPTIONS="--require ./bench/cpu-profile-hook.js" profiles the worker
    // (node refuses --cpu-prof in NODE_OPTIONS)
    ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
  };
  const config = loadConfig(env);
  await runCli(env, 'migrate');
  // usage is read as a platform ADMIN: GraphQL refuses the gateway's service token
  const bootstrap = await runCli(env, 'bootstrap', '--username', 'bench_admin', '--email', 'bench@example.com');
  const adminToken = /access token \(shown once, store it now\): (\S+)/.exec(bootstrap)![1];
  // every event is priced, as in production
  const pg = new Client({ connectionString: config.postgres.url });
  await pg.connect();
  await pg.query(
    `INSERT INTO model_prices (model, effective_from, input_per_million, output_per_million, cache_read_per_million)
     VALUES ($1, '2020-01-01', $2, $3, $4)`,
    [PRICE.model, PRICE.input, PRICE.output, PRICE.cacheRead],
  );
  await pg.end();
  const app = new ChildApp('apps/standalone/src/main.ts', env, await freePort());
  const kafka: Kafka = createKafka(config.kafka, '-bench');
  const teams = teamPool();
  if (PRELOAD) {
    await ensureTopics(kafka, applicationTopics(config.kafka));
  } else {
    await app.start();
  }
  // the producer is not what is measured: plain acks=all sends, a few in flight,
  // each batch under the broker's 1 MiB limit
  const producer = kafka.producer({
    maxInFlightRequests: IN_FLIGHT,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();

  const count = async (attempt = 1): Promise<number> => {
    let res: Response;
    try {
      res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ query: '{ usageSummary(filter: { range: { preset: LAST_1_DAY } }) { requests } }' }),
      });
    } catch (error) {
      // a kept-alive socket the server closed as the poll reused it ("other side closed"): poll again
      if (attempt < 3) return count(attempt + 1);
      throw error;
    }
    const body = (await res.json()) as { data: { usageSummary: { requests: number } } };
    return body.data.usageSummary.requests;
  };

  let peakRss = 0;
  let workerRate = 0;
  const payloads = SOAK_MINUTES > 0 ? [] : payloadsFor(teams);
  const rssTimer = setInterval(() => app.pid && (peakRss = Math.max(peakRss, rssMb(app.pid))), 250);

  try {
    if (SOAK_MINUTES > 0) {
      await soak(producer, config.kafka.callsTopic, teams, app, count);
    } else if (PRELOAD) {
      await produceAll(producer, config.kafka.callsTopic, payloads, () => undefined);
      await app.start();
      const started = Date.now();
      let seen = 0;
      let lastProgress = Date.now();
      while (seen < EVENTS) {
        await new Promise((r) => setTimeout(r, 200));
        const now = await count();
        if (now > seen) lastProgress = Date.now();
        seen = now;
        process.stdout.write(`\rvisible ${seen}/${EVENTS}`);
        if (Date.now() - lastProgress > STALL_MS) {
          throw new Error(`no progress for ${STALL_MS / 1000} s at ${seen}/${EVENTS}; worker log:\n${app.log}`);
        }
      }
      const seconds = (Date.now() - started) / 1000;
      workerRate = EVENTS / seconds;
      process.stdout.write(
        `\n\npreloaded ${EVENTS}, dedup ${DEDUP ? 'on' : 'off'}: ` +
          `worker drained ${(EVENTS / seconds).toFixed(0)} events/s ` +
          `(${seconds.toFixed(1)} s after the app was healthy)\n`,
      );
    } else {
      workerRate = await throughput(producer, config.kafka.callsTopic, payloads, count);
    }
    process.stdout.write(`worker (standalone) peak RSS: ${peakRss.toFixed(0)} MB\n`);
    if (SOAK_MINUTES === 0) process.stdout.write(`worker stages (s): ${await stageSeconds(app.url)}\n`);
  } finally {
    clearInterval(rssTimer);
    await producer.disconnect();
    await app.stop('SIGTERM');
    if (process.env.BENCH_SHOW_LOG) process.stdout.write(app.log);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (SOAK_MINUTES > 0) return;
  // after the app stopped: the engine has the cores to itself, as the worker's engine had them
  const ceiling = await engineCeiling(config, payloads);
  process.stdout.write(
    `engine ceiling: ${ceiling.toFixed(0)} events/s (the same rows inserted directly, every view attached)\n` +
      `worker / engine: ${((100 * workerRate) / ceiling).toFixed(0)}%\n`,
  );
}

/** ingest_stage_seconds_total from the worker's /metrics, as `stage seconds` pairs. */
async function stageSeconds(url: string): Promise<string> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return [...metrics.matchAll(/^ingest_stage_seconds_total\{stage="([^"]+)"\} ([\d.e+-]+)/gm)]
    .map((m) => `${m[1]} ${Number(m[2]).toFixed(1)}`)
    .join(', ');
}

/**
 * Events/s of the engine's own insert of the payloads' rows, priced by the worker's own code, in a
 * fresh database with the schema's every view: only the inserts are timed.
 */
async function engineCeiling(config: AppConfig, payloads: Array<{ value: string }>): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ceiling-'));
  const gateway = await ClickHouseGateway.connect({ mode: 'embedded', path: dataDir, database: 'ceiling' });
  try {
    await new ClickHouseMigrator(gateway).migrate();
    const price = {
      id: randomUUID(),
      model: PRICE.model,
      effectiveFrom: 0,
      inputPerMillion: PRICE.input,
      outputPerMillion: PRICE.output,
      cacheReadPerMillion: PRICE.cacheRead,
      cacheWritePerMillion: null,
    };
    const deps = {
      partition: 0,
      now: Date.now(),
      creditsPerUnit: config.pricing.creditsPerUnit,
      horizonDays: config.ingest.horizonDays,
      priceAt: () => price,
    };
    const rows = payloads.map(
      (p, i) => toRowOrReason({ value: Buffer.from(p.value), offset: String(i) }, deps).row as CallEventRow,
    );
    const size = Number(WORKER_BATCH);
    const chunks = [];
    for (let start = 0; start < rows.length; start += size)
      chunks.push(encodeCallEventRows(rows.slice(start, start + size)));
    const started = process.hrtime.bigint();
    for (const [i, chunk] of chunks.entries()) {
      await gateway.insertEncoded('call_events', chunk, callEventInsertSettings(`ceiling:${i}`));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return rows.length / seconds;
  } finally {
    await gateway.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface BenchTeam {
  id: string;
  /** each key belongs to one of the team's members */
  keys: Array<{ id: string; user: string }>;
}

/**
 * 200 teams of 20 members with 30 keys each, as bench:query's data has them: a call names one of
 * its team's keys and that key's owner. (Until 2026-12-02 every event had a key and a user of its
 * own, so the key and user rollups grew a row per event and each chunk looked up 20,000 new keys.)
 */
function teamPool(): BenchTeam[] {
  return Array.from({ length: 200 }, () => {
    const users = Array.from({ length: 20 }, () => randomUUID());
    return {
      id: randomUUID(),
      keys: Array.from({ length: 30 }, (_, k) => ({ id: randomUUID(), user: users[k % 20] })),
    };
  });
}

/** A call of the team through one of its keys, the busiest keys called most. */
function callOf(team: BenchTeam, tags?: string[]): string {
  const key = team.keys[Math.floor(Math.random() ** 2 * team.keys.length)];
  return JSON.stringify(
    makeEvent({ team_id: team.id, api_key_id: key.id, user_id: key.user, ...(tags ? { tags } : {}) }),
  );
}

function payloadsFor(teams: BenchTeam[]): Array<{ key: string; value: string }> {
  process.stdout.write(`generating ${EVENTS} events…\n`);
  return Array.from({ length: EVENTS }, (_, i) => {
    const team = teams[Math.floor(Math.random() ** 2 * teams.length)];
    return { key: team.id, value: callOf(team, [`b${i % 7}`]) };
  });
}

/** Sends with IN_FLIGHT concurrent requests; `onAck(total)` after each acknowledged batch. */
async function produceAll(
  producer: import('kafkajs').Producer,
  topic: string,
  payloads: Array<{ key: string; value: string }>,
  onAck: (total: number) => void,
) {
  let sent = 0;
  let next = 0;
  const sender = async () => {
    while (next < payloads.length) {
      const from = next;
      next += BATCH;
      const messages = payloads.slice(from, from + BATCH);
      await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
      sent += messages.length;
      onAck(sent);
      process.stdout.write(`\rproduced ${sent}/${payloads.length}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
}

async function throughput(
  producer: import('kafkajs').Producer,
  topic: string,
  payloads: Array<{ key: string; value: string }>,
  count: () => Promise<number>,
): Promise<number> {
  const acked: Array<[number, number]> = [];
  const visible: Array<[number, number]> = [];
  let stop = false;
  const started = Date.now();
  const poller = (async () => {
    while (!stop) {
      const n = await count();
      visible.push([Date.now(), n]);
      if (n >= EVENTS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await produceAll(producer, topic, payloads, (total) => acked.push([Date.now(), total]));
  const sent = acked.at(-1)?.[1] ?? 0;
  const produceSeconds = (Date.now() - started) / 1000;
  const deadline = Date.now() + 15 * 60_000;
  while ((visible.at(-1)?.[1] ?? 0) < EVENTS && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    process.stdout.write(`\rproduced ${sent}/${EVENTS}, visible ${visible.at(-1)?.[1] ?? 0}   `);
  }
  stop = true;
  await poller;
  const last = visible.at(-1)!;
  const e2eSeconds = (last[0] - started) / 1000;
  // freshness of the k-th event: when the visible count first reached k minus when it was acked
  const freshness: number[] = [];
  for (const [ackAt, k] of acked) {
    const seen = visible.find(([, n]) => n >= k);
    if (seen) freshness.push(seen[0] - ackAt);
  }
  freshness.sort((a, b) => a - b);
  process.stdout.write(
    `\n\nevents ${EVENTS}, dedup ${DEDUP ? 'on' : 'off'}\n` +
      `produce: ${(EVENTS / produceSeconds).toFixed(0)} events/s (${produceSeconds.toFixed(1)} s)\n` +
      `end to end: ${(last[1] / e2eSeconds).toFixed(0)} events/s ` +
      `(${e2eSeconds.toFixed(1)} s until ${last[1]} visible in usage_team_1m)\n` +
      `freshness (ack → visible, per produced batch of ${BATCH}): ` +
      `p50 ${percentile(freshness, 50)} ms, p99 ${percentile(freshness, 99)} ms\n`,
  );
  return last[1] / e2eSeconds;
}

async function soak(
  producer: import('kafkajs').Producer,
  topic: string,
  teams: BenchTeam[],
  app: ChildApp,
  count: () => Promise<number>,
) {
  const end = Date.now() + SOAK_MINUTES * 60_000;
  let produced = 0;
  let nextReport = Date.now();
  process.stdout.write(`soak: ${RATE} events/s for ${SOAK_MINUTES} min\n`);
  while (Date.now() < end) {
    const tickStart = Date.now();
    const messages = Array.from({ length: Math.max(1, Math.round(RATE / 10)) }, () => {
      const team = teams[Math.floor(Math.random() * teams.length)];
      return { key: team.id, value: callOf(team) };
    });
    await producer.send({ topic, acks: -1, messages });
    produced += messages.length;
    if (Date.now() >= nextReport) {
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      const parts = [...metrics.matchAll(/^clickhouse_active_parts\{table="([^"]+)"\} (\d+)/gm)].map(
        (m) => `${m[1]}=${m[2]}`,
      );
      const minutes = ((Date.now() - (end - SOAK_MINUTES * 60_000)) / 60_000).toFixed(1);
      process.stdout.write(
        `[${minutes} min] produced ${produced}, visible ${await count()}, active parts: ${parts.join(' ')}\n`,
      );
      nextReport = Date.now() + 30_000;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tickStart))));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
