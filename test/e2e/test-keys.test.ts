import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { AppConfig } from '@app/config';
import { ClickHouseGateway } from '@app/clickhouse';
import { createTestUser, graphql, startStandalone, TestUser } from '../harness/app';
import { makeEvent, sums } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

const SUMMARY = `query($f: UsageFilter!) { usageSummary(filter: $f) { requests inputTokens outputTokens cost } }`;
const BREAKDOWN = `query($f: UsageFilter!) { usageBreakdown(filter: $f, view: API_KEY) {
  totalCount edges { node { key requests inputTokens } } } }`;
const CALL_LOGS = `query($f: UsageFilter!) { callLogs(filter: $f, first: 100) {
  totalCount edges { node { eventId apiKeyId test } } } }`;

/**
 * Test keys (issue 18): the calls of a key created with test: true go through the real pipeline
 * (POST /v1/events → Kafka → worker → ClickHouse), are flagged there from the key directory, and
 * stay out of usage, breakdowns, call logs and exports unless the filter's includeTest asks.
 */
describe('test keys: flagged at ingest, left out of usage unless includeTest', () => {
  let config: AppConfig;
  let app: INestApplication;
  let owner: TestUser;
  let teamId: string;
  let testKey: string;
  let liveKey: string;
  let fromTest: ReturnType<typeof makeEvent>[];
  let fromLive: ReturnType<typeof makeEvent>[];

  async function ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await graphql<T>(app, query, variables, owner.token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  }

  const filter = (extra: Record<string, unknown> = {}) => ({
    range: { preset: 'LAST_1_DAY' },
    teamIds: [teamId],
    ...extra,
  });

  beforeAll(async () => {
    config = isolatedConfig('test_keys');
    app = await startStandalone(config);
    owner = await createTestUser(app, 'tester');
    teamId = (await ok<{ createTeam: { id: string } }>(`mutation { createTeam(name: "Test keys") { id } }`)).createTeam
      .id;
    const key = async (args: string) =>
      (
        await ok<{ createApiKey: { apiKey: { id: string; test: boolean } } }>(
          `mutation($t: ID) { createApiKey(teamId: $t, ${args}) { apiKey { id test } } }`,
          { t: teamId },
        )
      ).createApiKey.apiKey;
    const test = await key('name: "ci", test: true');
    const live = await key('name: "prod"');
    // the argument defaults to false; the flag is shown on the key
    expect([test.test, live.test]).toEqual([true, false]);
    testKey = test.id;
    liveKey = live.id;
    // sent right after the keys were made: the worker looks a key up on its first call, no timer to wait for
    const calls = (n: number, key: string) =>
      Array.from({ length: n }, () => makeEvent({ team_id: teamId, user_id: owner.id, api_key_id: key }));
    fromTest = calls(40, testKey);
    fromLive = calls(25, liveKey);
    const res = await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send([...fromTest, ...fromLive].sort(() => Math.random() - 0.5));
    expect(res.body).toEqual({ accepted: 65, rejected: [] });
    await waitFor(
      'all 65 calls in the raw events',
      () => ok<{ usageSummary: { requests: number } }>(SUMMARY, { f: filter({ includeTest: true }) }),
      (d) => d.usageSummary.requests >= 65,
    );
  });

  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  it('flags exactly the test key calls in the raw events, and no rollup holds them', async () => {
    const clickhouse = app.get(ClickHouseGateway);
    const raw = await clickhouse.query<{ key: string; test: boolean; n: string }>(
      `SELECT toString(api_key_id) AS key, is_test AS test, count() AS n FROM call_events
       WHERE team_id = {team:UUID} GROUP BY key, test ORDER BY n DESC`,
      { params: { team: teamId } },
    );
    expect(raw.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([
      { key: testKey, test: true, n: 40 },
      { key: liveKey, test: false, n: 25 },
    ]);
    const rollup = await clickhouse.query<{ n: string }>(
      'SELECT toString(sum(requests)) AS n FROM usage_key_1h WHERE team_id = {team:UUID}',
      { params: { team: teamId } },
    );
    expect(Number(rollup[0].n)).toBe(25);
  });

  it('usageSummary: only the live key by default, both with includeTest, on day and minute plans alike', async () => {
    const live = sums(fromLive);
    const both = sums([...fromLive, ...fromTest]);
    for (const preset of ['LAST_HOUR', 'LAST_1_DAY', 'LAST_30_DAYS']) {
      const read = async (extra: Record<string, unknown>) =>
        (
          await ok<{ usageSummary: { requests: number; inputTokens: number; outputTokens: number } }>(SUMMARY, {
            f: { ...filter(extra), range: { preset } },
          })
        ).usageSummary;
      const pick = (s: { requests: number; inputTokens: number; outputTokens: number }) => ({
        preset,
        requests: s.requests,
        inputTokens: s.inputTokens,
        outputTokens: s.outputTokens,
      });
      expect(pick(await read({}))).toEqual(pick(live));
      expect(pick(await read({ includeTest: false }))).toEqual(pick(live));
      expect(pick(await read({ includeTest: true }))).toEqual(pick(both));
    }
  });

  it('usageBreakdown by key: the test key only with includeTest', async () => {
    type Breakdown = {
      usageBreakdown: { totalCount: number; edges: Array<{ node: { key: string; requests: number } }> };
    };
    const rows = async (extra: Record<string, unknown>) =>
      (await ok<Breakdown>(BREAKDOWN, { f: filter(extra) })).usageBreakdown.edges
        .map((e) => ({ key: e.node.key, requests: e.node.requests }))
        .sort((a, b) => a.key.localeCompare(b.key));
    expect(await rows({})).toEqual([{ key: liveKey, requests: 25 }]);
    expect(await rows({ includeTest: true })).toEqual(
      [
        { key: liveKey, requests: 25 },
        { key: testKey, requests: 40 },
      ].sort((a, b) => a.key.localeCompare(b.key)),
    );
  });

  it('callLogs: test calls only when asked, the count agreeing with the rows', async () => {
    type Logs = {
      callLogs: { totalCount: number; edges: Array<{ node: { eventId: string; apiKeyId: string; test: boolean } }> };
    };
    const byDefault = (await ok<Logs>(CALL_LOGS, { f: filter() })).callLogs;
    expect(byDefault.totalCount).toBe(25);
    expect(new Set(byDefault.edges.map((e) => `${e.node.apiKeyId} ${e.node.test}`))).toEqual(
      new Set([`${liveKey} false`]),
    );
    const all = (await ok<Logs>(CALL_LOGS, { f: filter({ includeTest: true }) })).callLogs;
    expect(all.totalCount).toBe(65);
    expect(new Set(all.edges.map((e) => `${e.node.apiKeyId} ${e.node.test}`))).toEqual(
      new Set([`${liveKey} false`, `${testKey} true`]),
    );
    expect(new Set(all.edges.map((e) => e.node.eventId))).toEqual(
      new Set([...fromTest, ...fromLive].map((e) => e.event_id)),
    );
  });

  it('exports: includeTest=true adds the test calls, anything but true or false is refused', async () => {
    const csv = (query: string) =>
      request(app.getHttpServer())
        .get(`/v1/exports/calls.csv?preset=LAST_1_DAY&teamIds=${teamId}${query}`)
        .set('Authorization', `Bearer ${owner.token}`);
    const lines = (text: string) => text.trim().split('\n').length - 1;
    expect(lines((await csv('')).text)).toBe(25);
    expect(lines((await csv('&includeTest=true')).text)).toBe(65);
    const bad = await csv('&includeTest=yes');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_USER_INPUT');
  });
});
