import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, Message, Producer } from 'kafkajs';
import request from 'supertest';
import type { AppConfig } from '@app/config';
import { ClickHouseGateway } from '@app/clickhouse';
import type { CallEventV1 } from '@app/ingest';
import { createKafka } from '@app/kafka';
import { startStandalone } from '../harness/app';
import { ChildApp, freePort } from '../harness/child-app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, isolatedEnv, SERVICE_TOKEN, waitFor } from '../harness/test-env';

const PARTITION = 0;

function metricValue(text: string, name: string, partition?: number): number | undefined {
  const labels = partition === undefined ? '' : `\\{partition="${partition}"\\}`;
  const match = new RegExp(`^${name}${labels} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

async function readDlq(kafka: Kafka, topic: string, expected: number): Promise<Map<string, string>> {
  const consumer = kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const reasonByOffset = new Map<string, string>();
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers = message.headers ?? {};
      reasonByOffset.set(String(headers['dlq-source-offset']), String(headers['dlq-reason']));
    },
  });
  try {
    await waitFor(
      `${expected} DLQ messages`,
      async () => reasonByOffset.size,
      (n) => n >= expected,
      60_000,
      250,
    );
  } finally {
    await consumer.disconnect();
  }
  return reasonByOffset;
}

/**
 * A message the worker cannot turn into a row used to stop its partition for good (a leap
 * second passed validation, then threw in the worker on every restart). Now each such message
 * goes to the DLQ with its reason and the events behind it arrive, on the real broker and engine.
 */
describe('poison events on one partition', () => {
  let config: AppConfig;
  let app: INestApplication;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    config = isolatedConfig('poison_event');
    app = await startStandalone(config);
    kafka = createKafka(config.kafka, '-poison-test');
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    if (config) await dropDatabase(config);
  });

  it('writes every valid event once, normalises the leap second, DLQs the hostile ones, never restarts', async () => {
    const teamId = randomUUID();
    const event = (overrides: Partial<CallEventV1> = {}) =>
      makeEvent({ team_id: teamId, tags: ['poison'], ...overrides });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const leap = event({ occurred_at: `${yesterday}T23:59:60.000Z` });
    const before = Array.from({ length: 20 }, () => event());
    const after = Array.from({ length: 20 }, () => event());
    // odd but valid: kept, byte for byte
    const oddButValid = event({ request_id: 'nul\u0000 bidi\u202e emoji😀', service: 'ça-marche' });
    const good = JSON.stringify(event());
    const hostile: Array<{ value: Buffer | string; reason: RegExp }> = [
      { value: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]), reason: /^message: not valid UTF-8$/ },
      { value: good.replace(/"input_tokens":\d+/, '"input_tokens":1e400'), reason: /^input_tokens: / },
      {
        value: good.replace(/"output_tokens":\d+/, '"output_tokens":4294967296'),
        reason: /^output_tokens: must be <= /,
      },
      {
        value: JSON.stringify({ ...event(), team_id: `urn:uuid:${teamId}` }),
        reason: /^team_id: must be a plain UUID/,
      },
      { value: JSON.stringify({ ...event(), service: 'chat\ud800' }), reason: /^service: not well-formed Unicode/ },
      {
        value: JSON.stringify({ ...event(), occurred_at: `${yesterday}T12:00:00+05` }),
        reason: /^occurred_at: offset/,
      },
      { value: JSON.stringify({ ...event(), occurred_at: `${yesterday}T00:59:60Z` }), reason: /^occurred_at: / },
      { value: `{"__proto__":{"polluted":1},${good.slice(1)}`, reason: /^event: unknown field "__proto__"$/ },
      { value: '', reason: /^message: empty value$/ },
    ];
    const messages: Message[] = [
      ...before.map((e) => ({ key: teamId, value: JSON.stringify(e) })),
      { key: teamId, value: JSON.stringify(leap) },
      ...hostile.map((h) => ({ key: teamId, value: h.value as Buffer })),
      { key: teamId, value: JSON.stringify(oddButValid) },
      ...after.map((e) => ({ key: teamId, value: JSON.stringify(e) })),
    ];
    const [sent] = await producer.send({
      topic: config.kafka.callsTopic,
      messages: messages.map((m) => ({ ...m, partition: PARTITION })),
      acks: -1,
    });
    const base = BigInt(sent.baseOffset!);

    const clickhouse = app.get(ClickHouseGateway);
    const count = async () =>
      Number(
        (
          await clickhouse.query<{ n: string }>('SELECT count() AS n FROM call_events WHERE team_id = {t:UUID}', {
            params: { t: teamId },
          })
        )[0].n,
      );
    const valid = [...before, leap, oddButValid, ...after];
    await waitFor(`${valid.length} valid events in ClickHouse`, count, (n) => n >= valid.length, 90_000, 250);
    await new Promise((r) => setTimeout(r, 1_500));
    const rows = await clickhouse.query<{
      event_id: string;
      occurred_at: string;
      request_id: string | null;
      service: string;
    }>(
      `SELECT event_id, toString(occurred_at) AS occurred_at, request_id, toString(service) AS service
       FROM call_events WHERE team_id = {t:UUID}`,
      { params: { t: teamId } },
    );
    expect(rows.map((r) => r.event_id).sort()).toEqual(valid.map((e) => e.event_id).sort());
    expect(rows.find((r) => r.event_id === leap.event_id)?.occurred_at).toBe(`${yesterday} 23:59:59.999`);
    const odd = rows.find((r) => r.event_id === oddButValid.event_id);
    expect(odd).toMatchObject({ request_id: oddButValid.request_id, service: 'ça-marche' });

    const reasons = await readDlq(kafka, config.kafka.callsDlqTopic, hostile.length);
    expect(reasons.size).toBe(hostile.length);
    hostile.forEach((h, i) => {
      const offset = (base + BigInt(before.length + 1 + i)).toString();
      expect(`${offset}: ${reasons.get(offset)}`).toMatch(new RegExp(`^${offset}: ${h.reason.source.slice(1)}`));
    });

    const metrics = (await request(app.getHttpServer()).get('/metrics')).text;
    expect(metricValue(metrics, 'ingest_consumer_crashes_total')).toBe(0);
    expect(metrics).not.toMatch(/^ingest_step_failures_total\{/m);
    expect(metricValue(metrics, 'ingest_partition_lag', PARTITION)).toBe(0);
    expect(metricValue(metrics, 'ingest_partition_stalled_seconds', PARTITION)).toBe(0);
  });

  it('HTTP intake reads occurred_at by the same rule: leap second normalised, hour-only offset refused', async () => {
    const teamId = randomUUID();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const leap = makeEvent({ team_id: teamId, occurred_at: `${yesterday}T23:59:60.5Z` });
    const hourOnly = makeEvent({ team_id: teamId, occurred_at: `${yesterday}T12:00:00+05` });
    const res = await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send([leap, hourOnly]);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      accepted: 1,
      rejected: [{ index: 1, reason: 'occurred_at: offset must be ±hh:mm, not hours only' }],
    });
    const clickhouse = app.get(ClickHouseGateway);
    const rows = await waitFor(
      'the leap-second event in ClickHouse',
      () =>
        clickhouse.query<{ event_id: string; occurred_at: string }>(
          'SELECT event_id, toString(occurred_at) AS occurred_at FROM call_events WHERE team_id = {t:UUID}',
          { params: { t: teamId } },
        ),
      (found) => found.length >= 1,
      60_000,
      250,
    );
    expect(rows).toEqual([{ event_id: leap.event_id, occurred_at: `${yesterday} 23:59:59.999` }]);
  });
});

describe('a partition that cannot write', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let config: AppConfig;
  let app: ChildApp;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stalled-chdb-'));
    // ClickHouse writes fail for 25 s from the first attempt, then succeed
    env = isolatedEnv('stalled', {
      CLICKHOUSE_PATH: dataDir,
      INGEST_FAULT_WRITE_FAILURE_MS: '25000',
      LOG_LEVEL: 'error',
    });
    config = isolatedConfig('stalled', env);
    app = new ChildApp('apps/standalone/src/main.ts', env, await freePort());
    await app.start();
  });

  afterAll(async () => {
    await app?.stop('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (config) await dropDatabase(config);
  });

  const scrape = async () => (await fetch(`${app.url}/metrics`)).text();

  it('shows lag above 0 and stalled seconds growing, then both back to 0 once writes succeed', async () => {
    const kafka = createKafka(config.kafka, '-stalled-test');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const teamId = randomUUID();
    const events = Array.from({ length: 50 }, () => makeEvent({ team_id: teamId }));
    await producer.send({
      topic: config.kafka.callsTopic,
      messages: events.map((e) => ({ key: teamId, value: JSON.stringify(e), partition: PARTITION })),
      acks: -1,
    });
    await producer.disconnect();

    const stalled = (text: string) => metricValue(text, 'ingest_partition_stalled_seconds', PARTITION) ?? 0;
    const first = await waitFor('a stalled partition in /metrics', scrape, (t) => stalled(t) >= 1, 30_000, 250);
    expect(metricValue(first, 'ingest_partition_lag', PARTITION)).toBe(50);
    await new Promise((r) => setTimeout(r, 3_000));
    const later = await scrape();
    expect(metricValue(later, 'ingest_partition_lag', PARTITION)).toBe(50);
    expect(stalled(later)).toBeGreaterThanOrEqual(stalled(first) + 2.5);
    expect(later).toMatch(/^ingest_step_failures_total\{stage="(plan|record|dedup|insert)"\} [1-9]/m);

    const recovered = await waitFor(
      'the partition caught up after the fault window',
      scrape,
      (t) => metricValue(t, 'ingest_partition_lag', PARTITION) === 0,
      90_000,
      500,
    );
    expect(stalled(recovered)).toBe(0);
    expect(metricValue(recovered, 'ingest_consumer_crashes_total')).toBe(0);
  });
});
