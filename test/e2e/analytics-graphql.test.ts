import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { GraphQLObjectType } from 'graphql';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { camelName, EVENT_MEASURE_COLUMNS } from '@app/catalog';
import type { AppConfig } from '@app/config';
import { graphql, platformAdminToken, startStandalone } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

/** The usage views of the seeds through the public API, on events that went through Kafka. */
// every count the event carries, as the catalogue names them
const COUNTS = EVENT_MEASURE_COLUMNS.map(camelName);

describe('usage views through GraphQL and the CSV export', () => {
  let config: AppConfig;
  let app: INestApplication;
  const team = randomUUID();
  const users = [randomUUID(), randomUUID(), randomUUID()];
  const models = ['glm-5', 'kimi-k2.5', 'deepseek-r1-distill-llama-70b', 'minimax-m2.5', 'qwen-vl'];
  const events = Array.from({ length: 600 }, (_, i) =>
    makeEvent({
      team_id: team,
      user_id: users[i % 3],
      model: models[i % (i % 3 === 0 ? 5 : 2)],
      service: i % 2 ? 'chat' : 'agent',
      status: i % 7 === 0 ? 'error' : 'success',
      // spread over the last 20 hours: call log pages then reach past their first window
      occurred_at: new Date(Date.now() - 60_000 - i * 2 * 60_000).toISOString(),
    }),
  );

  async function ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await graphql<T>(app, query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  }

  beforeAll(async () => {
    config = isolatedConfig('analytics_e2e');
    app = await startStandalone(config);
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(events)
      .expect(202);
    await waitFor(
      '600 events',
      async () =>
        (await ok(`{ usageSummary(filter: { range: { preset: LAST_1_DAY } }) { requests } }`)).usageSummary.requests,
      (n) => n === 600,
    );
  });
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  const filter = { range: { preset: 'LAST_1_DAY' }, teamIds: [team] };

  it('trend: a series per split key, with min, max and avg of its points', async () => {
    const { usageTrend } = await ok(
      `query($f: UsageFilter!) { usageTrend(filter: $f, granularity: HOUR, metrics: [REQUESTS, TOKENS_PER_MINUTE],
        splitBy: SERVICE) { metric key points { t value } min max avg } }`,
      { f: filter },
    );
    const requests = usageTrend.filter((s: any) => s.metric === 'REQUESTS');
    expect(requests.map((s: any) => s.key).sort()).toEqual(['agent', 'chat']);
    for (const s of requests) {
      const values = s.points.map((p: any) => p.value);
      expect(values.reduce((a: number, b: number) => a + b, 0)).toBe(300);
      expect(s.max).toBe(Math.max(...values));
      expect(s.min).toBe(Math.min(...values));
      expect(s.avg).toBeCloseTo(300 / values.length, 9);
    }
  });

  it('ranking: top models by total tokens with shares and bars', async () => {
    const { usageRanking } = await ok(
      `query($f: UsageFilter!) { usageRanking(filter: $f, dimension: MODEL, metric: TOTAL_TOKENS, limit: 3,
        granularity: HOUR) { key value share points { value } } }`,
      { f: filter },
    );
    const per = new Map<string, number>();
    for (const e of events) per.set(e.model, (per.get(e.model) ?? 0) + e.input_tokens + e.output_tokens);
    const total = [...per.values()].reduce((a, b) => a + b, 0);
    const top = [...per.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    expect(usageRanking.map((r: any) => [r.key, r.value])).toEqual(top);
    for (const r of usageRanking) {
      expect(r.share).toBeCloseTo(r.value / total, 12);
      expect(r.points.reduce((a: number, p: any) => a + p.value, 0)).toBe(r.value);
    }
  });

  it('breakdown: per user, sorted, paginated, with models and +N', async () => {
    const page1 = (
      await ok(
        `query($f: UsageFilter!) { usageBreakdown(filter: $f, view: USER, orderBy: REQUESTS, first: 2) { totalCount
          pageInfo { hasNextPage endCursor } edges { node { key requests models moreModels sparkline cost } } } }`,
        { f: filter },
      )
    ).usageBreakdown;
    expect(page1.totalCount).toBe(3);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (
      await ok(
        `query($f: UsageFilter!, $a: String) { usageBreakdown(filter: $f, view: USER, orderBy: REQUESTS, first: 2,
          after: $a) { pageInfo { hasNextPage } edges { node { key requests models moreModels sparkline cost } } } }`,
        { f: filter, a: page1.pageInfo.endCursor },
      )
    ).usageBreakdown;
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const keys = [...page1.edges, ...page2.edges].map((e: any) => e.node.key);
    expect(keys.sort()).toEqual([...users].sort());
    const heavy = [...page1.edges, ...page2.edges].find((e: any) => e.node.key === users[0]).node;
    expect(heavy.models).toHaveLength(3);
    expect(heavy.moreModels).toBe(2);
    expect(heavy.sparkline.reduce((a: number, b: number) => a + b, 0)).toBe(heavy.requests);
  });

  it('callLogs: filters, and pages that do not shift while new events arrive', async () => {
    const q = `query($f: UsageFilter!, $a: String) { callLogs(filter: $f, statuses: ["error"], first: 40, after: $a) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { eventId status occurredAt } } } }`;
    const first = (await ok(q, { f: filter })).callLogs;
    const errors = events.filter((e) => e.status === 'error').length;
    expect(first.totalCount).toBe(errors);
    expect(first.edges.every((e: any) => e.node.status === 'error')).toBe(true);
    // newer events arrive between page requests
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send([makeEvent({ team_id: team, status: 'error', latency_ms: 10, occurred_at: new Date().toISOString() })])
      .expect(202);
    await waitFor(
      'the new event',
      async () => (await ok(q, { f: filter })).callLogs.totalCount,
      (n) => n === errors + 1,
    );
    const seen = first.edges.map((e: any) => e.node.eventId);
    for (let page = first; page.pageInfo.hasNextPage;) {
      page = (await ok(q, { f: filter, a: page.pageInfo.endCursor })).callLogs;
      seen.push(...page.edges.map((e: any) => e.node.eventId));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(errors);

    // a latency bound is counted on raw events, the rest from the rollups: both agree with the events
    const slow = `query($f: UsageFilter!) { callLogs(filter: $f, minLatencyMs: 1000, first: 1) { totalCount } }`;
    const all = `query($f: UsageFilter!) { callLogs(filter: $f, first: 1) { totalCount } }`;
    expect((await ok(slow, { f: filter })).callLogs.totalCount).toBe(events.filter((e) => e.latency_ms >= 1000).length);
    expect((await ok(all, { f: filter })).callLogs.totalCount).toBe(events.length + 1);

    // one user's or one key's log (raw granules skipped by their bloom filters): theirs, all of them
    const byOne = `query($f: UsageFilter!) { callLogs(filter: $f, minLatencyMs: 0, first: 500) { totalCount edges {
      node { eventId userId apiKeyId } } } }`;
    const theirs = events.filter((e) => e.user_id === users[1]);
    const userLog = (await ok(byOne, { f: { ...filter, userIds: [users[1]] } })).callLogs;
    expect(userLog.totalCount).toBe(theirs.length);
    expect(userLog.edges.map((e: any) => e.node.eventId).sort()).toEqual(theirs.map((e) => e.event_id).sort());
    const key = events[5].api_key_id;
    const keyLog = (await ok(byOne, { f: { ...filter, apiKeyIds: [key] } })).callLogs;
    expect(keyLog.edges.map((e: any) => e.node.eventId).sort()).toEqual(
      events
        .filter((e) => e.api_key_id === key)
        .map((e) => e.event_id)
        .sort(),
    );
  });

  it('callLogs carry each count of each event, as the catalogue names it', async () => {
    const q = `query($f: UsageFilter!) { callLogs(filter: $f, first: 500) { edges { node { eventId ${COUNTS.join(' ')} } }
      } }`;
    const theirs = events.filter((e) => e.user_id === users[1]);
    const { callLogs } = await ok(q, { f: { ...filter, userIds: [users[1]] } });
    const logged = new Map<string, Record<string, number>>(callLogs.edges.map((e: any) => [e.node.eventId, e.node]));
    for (const column of EVENT_MEASURE_COLUMNS) {
      expect({ column, logged: theirs.map((e) => logged.get(e.event_id)?.[camelName(column)]) }).toEqual({
        column,
        logged: theirs.map((e) => e[column] ?? 0),
      });
    }
  });

  it('the CSV export streams groups whose totals equal usageSummary', async () => {
    const res = await request(app.getHttpServer())
      .get(`/v1/exports/usage.csv?preset=LAST_1_DAY&teamIds=${team}&groupBy=MODEL&granularity=HOUR`)
      .set('Authorization', `Bearer ${await platformAdminToken(app)}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const [header, ...lines] = res.text.trim().split('\n');
    expect(header).toBe(
      'bucket_start,model,label,requests,successes,errors,input_tokens,output_tokens,cache_read_tokens,' +
        'cache_write_tokens,total_tokens,cost,credits,reasoning_tokens,input_cost,output_cost,cache_read_cost,' +
        'cache_write_cost,unpriced_requests,unpriced_tokens',
    );
    const cols = header.split(',');
    const sum = (name: string) => lines.reduce((s, l) => s + Number(l.split(',')[cols.indexOf(name)]), 0);
    const { usageSummary } = await ok(
      `query($f: UsageFilter!) { usageSummary(filter: $f) { requests ${COUNTS.join(' ')} } }`,
      { f: filter },
    );
    expect({
      requests: sum('requests'),
      ...Object.fromEntries(EVENT_MEASURE_COLUMNS.map((m) => [camelName(m), sum(m)])),
    }).toEqual(usageSummary);
    for (const count of COUNTS) expect({ count, drawn: usageSummary[count] > 0 }).toEqual({ count, drawn: true });
    const bad = await request(app.getHttpServer())
      .get('/v1/exports/usage.csv?preset=LAST_1_DAY&teamIds=nope')
      .set('Authorization', `Bearer ${await platformAdminToken(app)}`);
    expect(bad.status).toBe(400);
  });

  it('a summary answers each field alone, in a fragment or beside others, as it does among all of them', async () => {
    const summaryType = app.get(GraphQLSchemaHost).schema.getType('UsageSummary') as GraphQLObjectType;
    const fields = Object.keys(summaryType.getFields());
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    // a range to the minute reads raw at its edges, a preset the rollups
    const ranges = [
      { preset: 'LAST_1_DAY' },
      { from: new Date(minute - 7 * 3_600_000 - 17 * 60_000).toISOString(), to: new Date(minute).toISOString() },
    ];
    const SUMMARY = (selection: string) => `query($f: UsageFilter!) { usageSummary(filter: $f) { ${selection} } }`;
    for (const range of ranges) {
      const f = { range, teamIds: [team] };
      const all = (await ok(SUMMARY(fields.join(' ')), { f })).usageSummary;
      expect(all.requests).toBeGreaterThan(0);
      for (const field of fields) {
        expect({ field, ...(await ok(SUMMARY(field), { f })).usageSummary }).toEqual({ field, [field]: all[field] });
      }
      const kpis = await ok(
        `query($f: UsageFilter!) { usageSummary(filter: $f) { n: requests ...Kpis } }
         fragment Kpis on UsageSummary { successRate latencyP95 totalTokens cost activeUsers }`,
        { f },
      );
      expect(kpis.usageSummary).toEqual({
        n: all.requests,
        successRate: all.successRate,
        latencyP95: all.latencyP95,
        totalTokens: all.totalTokens,
        cost: all.cost,
        activeUsers: all.activeUsers,
      });
    }
  });

  it('RANGE_TOO_LARGE names the limit', async () => {
    const res = await graphql(
      app,
      `
        {
          usageTrend(filter: { range: { preset: LAST_30_DAYS } }, granularity: MINUTE, metrics: [REQUESTS]) {
            metric
          }
        }
      `,
    );
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'RANGE_TOO_LARGE', limit: 2000 });
  });
});
