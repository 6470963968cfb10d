import type { INestApplication } from '@nestjs/common';
import { execFileSync, spawnSync } from 'node:child_process';
import { Kafka } from 'kafkajs';
import request from 'supertest';
import { camelName, EVENT_MEASURE_COLUMNS } from '@app/catalog';
import type { AppConfig } from '@app/config';
import { createKafka } from '@app/kafka';
import { graphql, startStandalone } from '../harness/app';
import { makeEvent, sums } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, topicEnd, waitFor } from '../harness/test-env';

// every count the event carries, as the catalogue names them
const COUNTS = EVENT_MEASURE_COLUMNS.map(camelName);
const SUMMARY = `query($filter: UsageFilter!) { usageSummary(filter: $filter) {
  requests successes errors ${COUNTS.join(' ')} totalTokens businessCalls internalCalls } }`;

describe('the event spine: POST /v1/events and kcat → Kafka → worker → ClickHouse → usageSummary', () => {
  let config: AppConfig;
  let app: INestApplication;
  let kafka: Kafka;

  beforeAll(async () => {
    config = isolatedConfig('spine');
    app = await startStandalone(config);
    kafka = createKafka(config.kafka, '-test');
  });

  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  async function summaryFor(teamId: string) {
    const res = await graphql<{ usageSummary: Record<string, number> }>(app, SUMMARY, {
      filter: { range: { preset: 'LAST_1_DAY' }, teamIds: [teamId] },
    });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.usageSummary;
  }

  it('counts events POSTed to /v1/events exactly, from the minute rollup', async () => {
    const teamId = '2b1f7a4e-9a43-4e5c-9f0e-1d2c3b4a5e6f';
    const events = Array.from({ length: 1200 }, (_, i) =>
      makeEvent({
        team_id: teamId,
        source: i % 4 === 0 ? 'internal' : 'business',
        status: i % 10 === 0 ? 'error' : 'success',
      }),
    );
    const res = await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(events);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1200, rejected: [] });

    const expected = sums(events);
    const summary = await waitFor(
      '1200 events in usageSummary',
      () => summaryFor(teamId),
      (s) => s.requests >= 1200,
    );
    expect(summary).toEqual({
      ...expected,
      successes: 1080,
      errors: 120,
      totalTokens: expected.inputTokens + expected.outputTokens,
      businessCalls: 900,
      internalCalls: 300,
    });
  });

  it('ingests events produced to calls.v1 by kcat, an independent client', async () => {
    const kcat = spawnSync('kcat', ['-V']);
    if (kcat.status !== 0) throw new Error('kcat is not installed: apt-get install -y kcat (.ci/run installs it)');
    const teamId = '7c0e5d1a-3b2f-4c6d-8e9f-0a1b2c3d4e5f';
    const events = Array.from({ length: 300 }, () => makeEvent({ team_id: teamId }));
    execFileSync('kcat', ['-P', '-b', config.kafka.brokers[0], '-t', config.kafka.callsTopic, '-K', '\t'], {
      input: events.map((e) => `${teamId}\t${JSON.stringify(e)}`).join('\n') + '\n',
    });
    const expected = sums(events);
    const summary = await waitFor(
      '300 kcat events in usageSummary',
      () => summaryFor(teamId),
      (s) => s.requests >= 300,
    );
    expect(summary.requests).toBe(300);
    for (const count of COUNTS) expect({ count, sum: summary[count] }).toEqual({ count, sum: expected[count] });
  });

  describe('bad input to /v1/events is refused with reasons and produces nothing', () => {
    const post = (body: string | object, contentType = 'application/json') =>
      request(app.getHttpServer())
        .post('/v1/events')
        .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
        .set('Content-Type', contentType)
        .send(typeof body === 'string' ? body : JSON.stringify(body));

    let before: number;
    beforeAll(async () => {
      before = await topicEnd(kafka, config.kafka.callsTopic);
    });
    afterAll(async () => {
      expect(await topicEnd(kafka, config.kafka.callsTopic)).toBe(before);
    });

    it('malformed JSON → 400', async () => {
      const res = await post('[{"event_id": ');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_USER_INPUT');
      expect(res.body.error.message).toMatch(/not valid JSON/);
    });

    it('a body that is not an array → 400', async () => {
      const res = await post({ hello: 'world' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/must be a JSON array/);
    });

    it('wrong types → 400 with the field named', async () => {
      const res = await post([{ ...makeEvent(), input_tokens: 'many' }]);
      expect(res.status).toBe(400);
      expect(res.body.error.rejected).toEqual([{ index: 0, reason: 'input_tokens: must be integer' }]);
    });

    it('missing fields → 400 with the field named', async () => {
      const { user_id: _omitted, ...event } = makeEvent();
      const res = await post([event]);
      expect(res.status).toBe(400);
      expect(res.body.error.rejected[0].reason).toBe('event: missing field "user_id"');
    });

    it('cache tokens above input tokens and future timestamps → 400', async () => {
      const res = await post([
        makeEvent({ input_tokens: 10, cache_read_tokens: 8, cache_write_tokens: 5 }),
        makeEvent({ occurred_at: new Date(Date.now() + 3600_000).toISOString() }),
      ]);
      expect(res.status).toBe(400);
      expect(res.body.error.rejected.map((r: { reason: string }) => r.reason)).toEqual([
        'cache_read_tokens + cache_write_tokens: must not exceed input_tokens',
        'occurred_at: more than 5 minutes in the future',
      ]);
    });

    it('oversize body → 413', async () => {
      const big =
        JSON.stringify(Array.from({ length: 5 }, () => makeEvent({ request_id: 'x'.repeat(100) }))) +
        ' '.repeat(config.ingest.maxBodyBytes);
      const res = await post(big);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('too many events in one request → 400 with the limit', async () => {
      const res = await post(Array.from({ length: config.ingest.maxEventsPerRequest + 1 }, () => ({})));
      expect(res.status).toBe(400);
      expect(res.body.error.limit).toBe(config.ingest.maxEventsPerRequest);
    });

    it('no bearer token → 401', async () => {
      const res = await request(app.getHttpServer()).post('/v1/events').send([makeEvent()]);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    });
  });
});
