import { execFileSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Decimal from 'decimal.js';
import { Kafka, Message, Producer } from 'kafkajs';
import { Client } from 'pg';
import { loadConfig, AppConfig } from '@app/config';
import type { CallEventV1 } from '@app/ingest';
import { createKafka } from '@app/kafka';
import { computeCost } from '@app/pricing';
import { ChildApp, freePort, runCli } from '../harness/child-app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedEnv, waitFor } from '../harness/test-env';

const MODEL = 'glm-5';
const PRICE = {
  inputPerMillion: '0.600000000',
  outputPerMillion: '2.200000000',
  cacheReadPerMillion: '0.110000000',
  cacheWritePerMillion: null,
};

const SUMMARY = `query($filter: UsageFilter!) { usageSummary(filter: $filter) {
  requests inputTokens outputTokens cacheReadTokens cacheWriteTokens cost credits } }`;

type Summary = {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cost: string;
  credits: string;
};

function expectedTotals(events: CallEventV1[]) {
  let cost = new Decimal(0);
  let credits = new Decimal(0);
  for (const e of events) {
    const c = computeCost(e, PRICE, 100);
    cost = cost.plus(c.cost);
    credits = credits.plus(c.credits);
  }
  return {
    requests: events.length,
    inputTokens: events.reduce((s, e) => s + e.input_tokens, 0),
    outputTokens: events.reduce((s, e) => s + e.output_tokens, 0),
    cacheReadTokens: events.reduce((s, e) => s + e.cache_read_tokens, 0),
    cacheWriteTokens: events.reduce((s, e) => s + e.cache_write_tokens, 0),
    cost: cost.toFixed(),
    credits: credits.toFixed(),
  };
}

/**
 * Fault tests of the ingest pipeline on the real broker and the real embedded ClickHouse
 * engine. The standalone app (API + worker, owner of the engine's data directory) runs as a
 * child process that is killed and restarted; results are read through its API.
 */
describe('ingest under faults', () => {
  let env: Record<string, string>;
  let config: AppConfig;
  let app: ChildApp;
  let kafka: Kafka;
  let producer: Producer;
  /** a platform ADMIN's token: GraphQL refuses service tokens */
  let adminToken: string;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-chdb-'));

  beforeAll(async () => {
    env = isolatedEnv('faults', { CLICKHOUSE_PATH: dataDir, INGEST_BATCH_MAX_EVENTS: '2000', LOG_LEVEL: 'warn' });
    config = loadConfig(env);
    await runCli(env, 'migrate');
    const bootstrap = await runCli(env, 'bootstrap', '--username', 'faults_admin', '--email', 'faults@example.com');
    adminToken = /access token \(shown once, store it now\): (\S+)/.exec(bootstrap)![1];
    const pg = new Client({ connectionString: config.postgres.url });
    await pg.connect();
    await pg.query(
      `INSERT INTO model_prices (model, effective_from, input_per_million, output_per_million, cache_read_per_million,
        cache_write_per_million)
       VALUES ($1, '2020-01-01', $2, $3, $4, $5)`,
      [MODEL, PRICE.inputPerMillion, PRICE.outputPerMillion, PRICE.cacheReadPerMillion, PRICE.cacheWritePerMillion],
    );
    await pg.end();
    app = new ChildApp('apps/standalone/src/main.ts', env, await freePort());
    await app.start();
    kafka = createKafka(config.kafka, '-fault-test');
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.stop('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (config) await dropDatabase(config);
  });

  async function summary(filter: Record<string, unknown>): Promise<Summary> {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query: SUMMARY, variables: { filter: { range: { preset: 'LAST_1_DAY' }, ...filter } } }),
    });
    const body = (await res.json()) as { data?: { usageSummary: Summary }; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data.usageSummary;
  }

  /** Waits for the summary of a team; a timeout carries the app's log, to see why. */
  async function untilRequests(
    what: string,
    teamId: string,
    requests: number,
    timeoutMs = 90_000,
    filter: Record<string, unknown> = {},
  ) {
    try {
      return await waitFor(
        what,
        () => summary({ teamIds: [teamId], ...filter }),
        (s) => s.requests >= requests,
        timeoutMs,
        500,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- standalone app log (tail) ---\n${app.log.slice(-5000)}`);
    }
  }

  /** Totals from the minute rollup (team filter) and from the raw table (tag filter forces raw). */
  async function rollupAndRaw(teamId: string, tag: string) {
    return { rollup: await summary({ teamIds: [teamId] }), raw: await summary({ teamIds: [teamId], tags: [tag] }) };
  }

  async function produce(events: Array<CallEventV1 | Message>, chunk = 1000): Promise<void> {
    for (let i = 0; i < events.length; i += chunk) {
      const messages = events
        .slice(i, i + chunk)
        .map((e) => ('event_id' in e ? { key: e.team_id ?? e.user_id, value: JSON.stringify(e) } : e));
      await producer.send({ topic: config.kafka.callsTopic, messages, acks: -1 });
    }
  }

  it('1. 50,000 events with the worker SIGKILLed 5 times: every total exact, in raw and rollup', async () => {
    const teamId = randomUUID();
    const events = Array.from({ length: 50_000 }, () => makeEvent({ team_id: teamId, model: MODEL, tags: ['kill'] }));
    // a sixth of the events streams in before each kill, which comes at a random moment of it,
    // so kills land while a worker that has just (re)started is fetching, writing or committing
    const slice = Math.ceil(events.length / 6);
    const kills: number[] = [];
    const countedAtKill: number[] = [];
    for (let k = 0; k < 5; k++) {
      const producing = produce(events.slice(k * slice, (k + 1) * slice), 500);
      await new Promise((r) => setTimeout(r, randomInt(100, 1_500)));
      countedAtKill.push((await summary({ teamIds: [teamId] })).requests);
      kills.push(app.pid!);
      await app.stop('SIGKILL');
      await producing;
      await app.start();
    }
    await produce(events.slice(5 * slice));
    expect(new Set(kills).size).toBe(5);
    process.stdout.write(`events counted at each SIGKILL: ${countedAtKill.join(', ')}\n`);
    // at least some kills caught a slice part-written (neither 0 nor all of what had been produced)
    expect(countedAtKill.some((n, k) => n % slice !== 0 || n < (k + 1) * slice)).toBe(true);
    expect(countedAtKill.some((n) => n < 50_000)).toBe(true);
    const expected = expectedTotals(events);
    await untilRequests('50,000 events after the kills', teamId, 50_000, 180_000);
    const { rollup, raw } = await rollupAndRaw(teamId, 'kill');
    expect(rollup).toEqual(expected);
    expect(raw).toEqual(expected);
  });

  it('2. ClickHouse writes failing for 30 s: afterwards everything arrives, nothing twice', async () => {
    await app.stop('SIGTERM');
    await app.start({ INGEST_FAULT_WRITE_FAILURE_MS: '30000' });
    const teamId = randomUUID();
    const events = Array.from({ length: 5_000 }, () => makeEvent({ team_id: teamId, model: MODEL, tags: ['outage'] }));
    await produce(events);
    await new Promise((r) => setTimeout(r, 10_000));
    expect((await summary({ teamIds: [teamId] })).requests).toBe(0);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/ingest_step_failures_total\{stage="(plan|record|dedup|insert)"\} [1-9]/);
    await untilRequests('5,000 events after the outage', teamId, 5_000, 90_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const { rollup, raw } = await rollupAndRaw(teamId, 'outage');
    expect(rollup).toEqual(expectedTotals(events));
    expect(raw).toEqual(expectedTotals(events));
    await app.stop('SIGTERM');
    await app.start();
  });

  it('3. one event_id three times (same batch, another batch, after a restart) counts once', async () => {
    const teamId = randomUUID();
    const event = makeEvent({ team_id: teamId, model: MODEL, tags: ['dup'] });
    await produce([event, event, event]);
    await untilRequests('the first copy', teamId, 1);
    await produce([makeEvent({ team_id: teamId, model: MODEL, tags: ['dup'] })]);
    await produce([event]);
    await untilRequests('the marker event', teamId, 2);
    await app.stop('SIGTERM');
    await app.start();
    const marker = makeEvent({ team_id: teamId, model: MODEL, tags: ['dup'] });
    await produce([event, marker]);
    await untilRequests('the second marker', teamId, 3);
    await new Promise((r) => setTimeout(r, 1_000));
    const { rollup, raw } = await rollupAndRaw(teamId, 'dup');
    expect(rollup.requests).toBe(3);
    expect(raw.requests).toBe(3);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/ingest_dedup_hits_total [1-9]/);
  });

  it('4. 1,000 hostile messages mixed into valid traffic: all in the DLQ with reasons, all valid counted', async () => {
    const teamId = randomUUID();
    const hostile = hostileMessages(1_000, teamId);
    const valid = Array.from({ length: 2_000 }, () => makeEvent({ team_id: teamId, model: MODEL, tags: ['mixed'] }));
    const mixed: Array<CallEventV1 | Message> = [];
    for (let i = 0; i < 3_000; i++) mixed.push(i % 3 === 0 ? hostile[i / 3] : valid[i - Math.ceil(i / 3)]);
    await produce(mixed, 300);
    await untilRequests('2,000 valid events', teamId, 2_000, 90_000);
    // the consumer keeps going after the hostile messages
    const after = Array.from({ length: 10 }, () => makeEvent({ team_id: teamId, model: MODEL, tags: ['mixed'] }));
    await produce(after);
    await untilRequests('the events after', teamId, 2_010, 60_000);
    expect(await summary({ teamIds: [teamId], tags: ['mixed'] })).toEqual(expectedTotals([...valid, ...after]));

    const reasons = await readDlq(kafka, config.kafka.callsDlqTopic, 1_000);
    expect(reasons.length).toBe(1_000);
    expect(reasons.every((r) => r.length > 0)).toBe(true);
    const kinds = new Set(reasons.map((r) => r.split(':')[0]));
    expect([...kinds]).toEqual(expect.arrayContaining(['message', 'event', 'input_tokens', 'occurred_at', 'service']));
  });

  it('5. events produced by kcat are priced and counted', async () => {
    const teamId = randomUUID();
    const events = Array.from({ length: 200 }, () => makeEvent({ team_id: teamId, model: MODEL, tags: ['kcat'] }));
    execFileSync('kcat', ['-P', '-b', config.kafka.brokers[0], '-t', config.kafka.callsTopic, '-K', '\t'], {
      input: events.map((e) => `${teamId}\t${JSON.stringify(e)}`).join('\n') + '\n',
    });
    await untilRequests('200 kcat events', teamId, 200, 60_000);
    const expected = expectedTotals(events);
    expect(new Decimal(expected.cost).gt(0)).toBe(true);
    expect(await summary({ teamIds: [teamId] })).toEqual(expected);
  });
});

/** Every kind of bad message the DLQ must absorb, cycled to `count`. */
function hostileMessages(count: number, teamId: string): Message[] {
  const good = () => makeEvent({ team_id: teamId, model: MODEL });
  const kinds: Array<() => Buffer | string> = [
    () => JSON.stringify({ ...good(), input_tokens: 'lots' }),
    () => JSON.stringify({ ...good(), service: 'x'.repeat(50_000) }),
    () => JSON.stringify({ ...good(), input_tokens: -5 }),
    () => JSON.stringify({ ...good(), output_tokens: 'NaN' }),
    () => JSON.stringify({ ...good(), surprise: true }),
    () => `{"__proto__": {"polluted": 1}, ${JSON.stringify(good()).slice(1)}`,
    () => Buffer.concat([Buffer.from('{"event_id": "'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
    () => JSON.stringify({ ...good(), occurred_at: '2999-01-01T00:00:00Z' }),
    () => JSON.stringify({ ...good(), occurred_at: '1970-01-01T00:00:00Z' }),
    () => 'this is not json at all',
    () => '',
  ];
  return Array.from({ length: count }, (_, i) => ({ key: teamId, value: kinds[i % kinds.length]() as Buffer }));
}

async function readDlq(kafka: Kafka, topic: string, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const reasons: string[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      reasons.push(String(message.headers?.['dlq-reason'] ?? ''));
    },
  });
  try {
    await waitFor(
      `${expected} DLQ messages`,
      async () => reasons.length,
      (n) => n >= expected,
      60_000,
      250,
    );
    await new Promise((r) => setTimeout(r, 1_000));
  } finally {
    await consumer.disconnect();
  }
  return reasons;
}
