import { UNPRICED_AMOUNTS } from '@app/pricing';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ClickHouseGateway } from '@app/clickhouse';
import type { AppConfig } from '@app/config';
import { CALL_EVENT_COLUMNS, CallEventRow, CallEventV1, toClickHouseDateTime, toColumnValues } from '@app/ingest';
import { graphql, platformAdminToken, startStandalone } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

const DAY = 86_400_000;
const TAG_SETS = [['prod', 'canary'], ['prod'], []];

/**
 * Error analytics through the public API on the real engine: the HTTP_STATUS, ERROR_CODE and TAG
 * dimensions, the ERROR_RATE and TTFT metrics, the httpStatuses and errorCodes filters, and tag
 * and status filters over a range longer than raw retention.
 */
describe('error analytics through GraphQL and the CSV export', () => {
  let config: AppConfig;
  let app: INestApplication;
  const team = randomUUID();
  const user = randomUUID();
  // every fifth call fails with 500, 503 or 429; some record no status, no code or no time to first token
  const events = Array.from({ length: 300 }, (_, i) => {
    const error = i % 5 === 0;
    return makeEvent({
      team_id: team,
      user_id: user,
      model: i % 4 === 3 ? 'bge-m3' : 'glm-5',
      model_type: i % 4 === 3 ? 'embedding' : 'text',
      status: error ? 'error' : 'success',
      http_status: i % 50 === 1 ? null : error ? [500, 503, 429][i % 3] : 200,
      error_code: error && i % 10 === 0 ? 'timeout' : error ? 'upstream_error' : null,
      ttft_ms: i % 4 === 3 ? null : 10 + i * 3,
      tags: TAG_SETS[i % 3],
      occurred_at: new Date(Date.now() - 60_000 - i * 3 * 60_000).toISOString(),
    });
  });
  const filter = { range: { preset: 'LAST_1_DAY' }, teamIds: [team] };

  async function ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await graphql<T>(app, query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  }

  const count = (pick: (e: CallEventV1) => boolean) => events.filter(pick).length;

  beforeAll(async () => {
    config = isolatedConfig('error_analytics_e2e');
    app = await startStandalone(config);
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(events)
      .expect(202);
    await waitFor(
      '300 events',
      async () => await ok(`query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }`, { f: filter }),
      (d) => d.usageSummary.requests === 300,
    );
  });
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  it('filters by HTTP status and error code, "0" and "" matching calls that recorded none', async () => {
    const summary = async (extra: Record<string, unknown>) =>
      (
        await ok(`query($f: UsageFilter!) { usageSummary(filter: $f) { requests errors errorRate successRate } }`, {
          f: { ...filter, ...extra },
        })
      ).usageSummary;
    const failed = count((e) => e.http_status === 500 || e.http_status === 503);
    expect(await summary({ httpStatuses: [500, 503] })).toEqual({
      requests: failed,
      errors: failed,
      errorRate: 1,
      successRate: 0,
    });
    expect((await summary({ httpStatuses: [0] })).requests).toBe(count((e) => e.http_status === null));
    expect((await summary({ errorCodes: ['timeout'] })).requests).toBe(count((e) => e.error_code === 'timeout'));
    expect((await summary({ errorCodes: [''] })).requests).toBe(count((e) => e.error_code === null));
    const all = await summary({});
    expect(all.errorRate).toBeCloseTo(count((e) => e.status === 'error') / 300, 12);
    expect(all.errorRate! + all.successRate!).toBeCloseTo(1, 12);
  });

  it('answers time to first token over the calls that recorded one, null where none did', async () => {
    const q = `query($f: UsageFilter!) { usageSummary(filter: $f) { ttftP50 ttftP95 ttftP99 latencyP50 } }`;
    const { usageSummary: text } = await ok(q, { f: { ...filter, models: ['glm-5'] } });
    const ttfts = events.flatMap((e) => (e.ttft_ms === null || e.ttft_ms === undefined ? [] : [e.ttft_ms]));
    const sorted = ttfts.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))];
    expect(text.ttftP50).toBeGreaterThanOrEqual(at(0.45));
    expect(text.ttftP50).toBeLessThanOrEqual(at(0.55));
    expect(text.ttftP99).toBeGreaterThanOrEqual(at(0.97));
    expect(text.ttftP99).toBeLessThanOrEqual(sorted[sorted.length - 1]);
    const { usageSummary: embeddings } = await ok(q, { f: { ...filter, models: ['bge-m3'] } });
    expect(embeddings).toMatchObject({ ttftP50: null, ttftP95: null, ttftP99: null });
    expect(embeddings.latencyP50).not.toBeNull();
  });

  it('ranks by status, code and tag: labels are the values, a call counts once per tag', async () => {
    const rank = async (dimension: string) =>
      (
        await ok(
          `query($f: UsageFilter!) { usageRanking(filter: $f, dimension: ${dimension}, metric: REQUESTS, limit: 20,
            granularity: HOUR) { key label value share points { value } } }`,
          { f: filter },
        )
      ).usageRanking as { key: string; label: string; value: number; share: number; points: { value: number }[] }[];
    const tally = (keys: (e: CallEventV1) => string[]) => {
      const per = new Map<string, number>();
      for (const e of events) for (const k of keys(e)) per.set(k, (per.get(k) ?? 0) + 1);
      return per;
    };
    const expectations: [string, Map<string, number>][] = [
      ['HTTP_STATUS', tally((e) => [String(e.http_status ?? 0)])],
      ['ERROR_CODE', tally((e) => [e.error_code ?? ''])],
      ['TAG', tally((e) => e.tags ?? [])],
    ];
    for (const [dimension, per] of expectations) {
      const ranking = await rank(dimension);
      expect({ dimension, values: new Map(ranking.map((r) => [r.key, r.value])) }).toEqual({ dimension, values: per });
      for (const r of ranking) {
        expect(r.label).toBe(r.key);
        expect(r.points.reduce((s, p) => s + (p.value ?? 0), 0)).toBe(r.value);
      }
    }
    const tags = await rank('TAG');
    // 200 prod calls and 100 of them canary too: 300 tag memberships, no untagged group
    expect(tags.map((t) => [t.key, t.value, t.share])).toEqual([
      ['prod', 200, 200 / 300],
      ['canary', 100, 100 / 300],
    ]);
  });

  it('trends ERROR_RATE and TTFT per status, null where a bucket has no value', async () => {
    const { usageTrend } = await ok(
      `query($f: UsageFilter!) { usageTrend(filter: $f, granularity: HOUR, metrics: [ERROR_RATE, TTFT_P95],
        splitBy: HTTP_STATUS) { metric key label points { t value } } }`,
      { f: filter },
    );
    const series = (metric: string, key: string) =>
      usageTrend.find((s: any) => s.metric === metric && s.key === key)!.points as { value: number | null }[];
    const rates500 = series('ERROR_RATE', '500').map((p) => p.value);
    expect(rates500.filter((v) => v !== null).length).toBeGreaterThan(3);
    expect(new Set(rates500.filter((v) => v !== null))).toEqual(new Set([1]));
    expect(new Set(series('ERROR_RATE', '200').map((p) => p.value))).toEqual(new Set([0, null]));
    // a bucket without calls has no time to first token
    const ttft = series('TTFT_P95', '200');
    const rates = series('ERROR_RATE', '200');
    ttft.forEach((p, i) => {
      if (rates[i].value === null) expect({ i, ttft: p.value }).toEqual({ i, ttft: null });
    });
    expect(ttft.filter((p) => p.value !== null).length).toBeGreaterThan(3);
  });

  it('breaks down by tag and error code, with their model lists', async () => {
    const breakdown = async (view: string) =>
      (
        await ok(
          `query($f: UsageFilter!) { usageBreakdown(filter: $f, view: ${view}, first: 10) {
            totalCount edges { node { key label requests models } } } }`,
          { f: filter },
        )
      ).usageBreakdown;
    const byTag = await breakdown('TAG');
    expect(byTag.totalCount).toBe(2);
    expect(byTag.edges.map((e: any) => [e.node.key, e.node.requests, e.node.models])).toEqual([
      ['prod', 200, ['glm-5', 'bge-m3']],
      ['canary', 100, ['glm-5', 'bge-m3']],
    ]);
    const byCode = await breakdown('ERROR_CODE');
    const codes = ['', 'timeout', 'upstream_error'].map((code) => [
      code,
      code,
      count((e) => (e.error_code ?? '') === code),
    ]);
    // by requests, ties by key
    codes.sort((a, b) => Number(b[2]) - Number(a[2]) || (a[0] < b[0] ? -1 : 1));
    expect(byCode.edges.map((e: any) => [e.node.key, e.node.label, e.node.requests])).toEqual(codes);
  });

  it('callLogs and the CSV export take the new filter fields', async () => {
    const { callLogs } = await ok(
      `query($f: UsageFilter!) { callLogs(filter: $f, first: 500) { totalCount edges { node { httpStatus errorCode } } } }`,
      { f: { ...filter, httpStatuses: [503, 429], errorCodes: ['upstream_error'] } },
    );
    const expected = count((e) => [503, 429].includes(e.http_status!) && e.error_code === 'upstream_error');
    expect(callLogs.totalCount).toBe(expected);
    expect(callLogs.edges).toHaveLength(expected);
    for (const { node } of callLogs.edges) expect(node.errorCode).toBe('upstream_error');

    const res = await request(app.getHttpServer())
      .get(
        `/v1/exports/usage.csv?preset=LAST_1_DAY&teamIds=${team}&groupBy=HTTP_STATUS&errorCodes=timeout,upstream_error`,
      )
      .set('Authorization', `Bearer ${await platformAdminToken(app)}`);
    expect(res.status).toBe(200);
    const [header, ...lines] = res.text.trim().split('\n');
    expect(header.startsWith('http_status,label,requests,')).toBe(true);
    const per = new Map(lines.map((l) => [l.split(',')[0], Number(l.split(',')[2])]));
    const failed = events.filter((e) => e.error_code !== null);
    expect(per).toEqual(
      new Map(
        [500, 503, 429, 0]
          .map((s) => [String(s), failed.filter((e) => (e.http_status ?? 0) === s).length] as const)
          .filter(([, n]) => n > 0),
      ),
    );
    const bad = await request(app.getHttpServer())
      .get(`/v1/exports/usage.csv?preset=LAST_1_DAY&teamIds=${team}&httpStatuses=abc`)
      .set('Authorization', `Bearer ${await platformAdminToken(app)}`);
    expect(bad.status).toBe(400);
  });

  it('refuses out-of-range statuses and overlong codes with BAD_USER_INPUT', async () => {
    for (const extra of [{ httpStatuses: [600] }, { httpStatuses: [-1] }, { errorCodes: ['x'.repeat(129)] }]) {
      const res = await graphql(
        app,
        `
          query ($f: UsageFilter!) {
            usageSummary(filter: $f) {
              requests
            }
          }
        `,
        {
          f: { ...filter, ...extra },
        },
      );
      expect({ extra, code: res.errors?.[0].extensions?.code }).toEqual({ extra, code: 'BAD_USER_INPUT' });
    }
  });

  it('answers tag and status filters over 150 days, calls gone from raw included', async () => {
    // calls of 100-120 days ago that raw retention (90 days) has dropped: written, then deleted from raw
    const oldTeam = randomUUID();
    const old: CallEventRow[] = Array.from({ length: 40 }, (_, i) => ({
      event_id: randomUUID(),
      occurred_at: toClickHouseDateTime(Date.now() - 100 * DAY - i * 12 * 3_600_000),
      team_id: oldTeam,
      user_id: user,
      api_key_id: randomUUID(),
      service: 'chat',
      model: 'glm-5',
      model_type: 'text',
      source: 'business',
      input_tokens: 10,
      output_tokens: 5,
      reasoning_tokens: 0,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      latency_ms: 100,
      ttft_ms: 20,
      status: i % 2 ? 'error' : 'success',
      http_status: i % 2 ? 502 : 200,
      error_code: i % 2 ? 'bad_gateway' : null,
      tags: i % 4 === 0 ? ['legacy', 'prod'] : ['legacy'],
      request_id: null,
      ...UNPRICED_AMOUNTS,
      price_id: '',
      priced: false,
      kafka_partition: 0,
      kafka_offset: String(i),
    }));
    const clickhouse = app.get(ClickHouseGateway);
    await clickhouse.insertColumns(
      'call_events',
      CALL_EVENT_COLUMNS,
      old.map((r) => toColumnValues(r)),
    );
    // oldTeam is this test's own UUID
    await clickhouse.command(`ALTER TABLE call_events DELETE WHERE team_id = '${oldTeam}'`, {
      settings: { mutations_sync: '2' },
    });
    expect(
      await clickhouse.query(`SELECT event_id FROM call_events WHERE team_id = {team:UUID}`, {
        params: { team: oldTeam },
      }),
    ).toEqual([]);
    const to = Math.floor(Date.now() / DAY) * DAY;
    const range = { from: new Date(to - 150 * DAY).toISOString(), to: new Date(to).toISOString() };
    const requests = async (extra: Record<string, unknown>) =>
      (
        await ok(`query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }`, {
          f: { range, teamIds: [oldTeam], ...extra },
        })
      ).usageSummary.requests;
    expect(await requests({ tags: ['legacy'] })).toBe(40);
    expect(await requests({ tags: ['prod', 'legacy'] })).toBe(40);
    expect(await requests({ tags: ['prod'] })).toBe(10);
    expect(await requests({ httpStatuses: [502] })).toBe(20);
    const { usageRanking } = await ok(
      `query($f: UsageFilter!) { usageRanking(filter: $f, dimension: TAG, metric: ERROR_RATE, limit: 5,
        granularity: DAY) { key value } }`,
      { f: { range, teamIds: [oldTeam], tags: ['legacy'] } },
    );
    // prod calls are the even ones (i % 4 === 0): none failed
    expect(usageRanking).toEqual([
      { key: 'legacy', value: 0.5 },
      { key: 'prod', value: 0 },
    ]);
  });
});
