import type { INestApplication } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { DependencyHealth } from '@app/api/dependency-health';
import { AuthService } from '@app/auth';
import { ClickHouseGateway, ClickHouseTableMetrics } from '@app/clickhouse';
import type { AppConfig } from '@app/config';
import { graphql, platformAdminToken, startStandalone } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

const TEN_YEARS = { from: '2016-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** RFC 4180: quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

/** The header's columns by name, for each data row. */
function records(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

function expectRestError(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

async function ok<T = Record<string, any>>(
  app: INestApplication,
  query: string,
  variables: Record<string, unknown>,
  token: string,
): Promise<T> {
  const res = await graphql<T>(app, query, variables, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

describe('HTTP hygiene on the real service', () => {
  let config: AppConfig;
  let app: INestApplication;
  let adminToken: string;
  let teamId: string;
  const server = () => app.getHttpServer();
  const formulaTeam = "=cmd|' /C calc'!A0";
  const hostileServices = [formulaTeam, '+1', '-2+3', '@SUM(1)', '\tx', '\rx'];

  beforeAll(async () => {
    // scrapes must not meet a background refresh while they are counted
    config = isolatedConfig('http_hygiene', { METRICS_TOKEN, METRICS_REFRESH_INTERVAL_MS: '3600000' });
    app = await startStandalone(config);
    adminToken = await platformAdminToken(app);
    teamId = (await ok(app, 'mutation($n: String!) { createTeam(name: $n) { id } }', { n: formulaTeam }, adminToken))
      .createTeam.id;
    const key = await ok(
      app,
      'mutation($t: ID) { createApiKey(teamId: $t, name: "@SUM(1)") { apiKey { id } } }',
      { t: teamId },
      adminToken,
    );
    const apiKeyId = key.createApiKey.apiKey.id;
    const events = hostileServices.map((service, i) =>
      makeEvent({
        team_id: teamId,
        api_key_id: apiKeyId,
        service,
        occurred_at: new Date(Date.now() - (i + 2) * 60_000).toISOString(),
      }),
    );
    await request(server()).post('/v1/events').set('Authorization', `Bearer ${SERVICE_TOKEN}`).send(events).expect(202);
    const summary = `query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }`;
    const filter = { range: { preset: 'LAST_1_DAY' }, teamIds: [teamId] };
    await waitFor(
      'the hostile events',
      async () => (await ok(app, summary, { f: filter }, adminToken)).usageSummary.requests,
      (n) => n === 6,
    );
  });
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  describe('one REST error shape', () => {
    it('a malformed JSON body: 400 BAD_USER_INPUT, without the parser internals', async () => {
      const res = await request(server()).post('/graphql').set('Content-Type', 'application/json').send('{"query": ');
      expectRestError(res, 400, 'BAD_USER_INPUT');
      expect(res.body.error.message).toBe('body: not valid JSON');
    });

    it('a body over the limit: 413 PAYLOAD_TOO_LARGE', async () => {
      const body = JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(1024 * 1024 + 10) });
      const res = await request(server()).post('/graphql').set('Content-Type', 'application/json').send(body);
      expectRestError(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('an unknown route: 404 NOT_FOUND, with or without a token', async () => {
      expectRestError(await request(server()).get('/no/such/route'), 404, 'NOT_FOUND');
      const authed = await request(server()).post('/v1/nothing').set('Authorization', `Bearer ${adminToken}`).send({});
      expectRestError(authed, 404, 'NOT_FOUND');
    });

    it('a missing token on a REST route: 401 UNAUTHENTICATED', async () => {
      expectRestError(await request(server()).get('/v1/exports/usage.csv?preset=LAST_1_DAY'), 401, 'UNAUTHENTICATED');
    });

    it('a bad query string: 400 BAD_USER_INPUT from the validation pipe', async () => {
      const res = await request(server())
        .get('/v1/exports/usage.csv?groupBy=NOPE')
        .set('Authorization', `Bearer ${adminToken}`);
      expectRestError(res, 400, 'BAD_USER_INPUT');
    });

    it('no X-Powered-By on successful answers either', async () => {
      const res = await request(server()).get('/health');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('CSV export', () => {
    const exportCsv = (query: string) =>
      request(server())
        .get(`/v1/exports/usage.csv?preset=LAST_1_DAY&teamIds=${teamId}&${query}`)
        .set('Authorization', `Bearer ${adminToken}`);

    it('neutralises service names a spreadsheet would run as formulas; numbers stay numbers', async () => {
      const res = await exportCsv('groupBy=SERVICE');
      expect(res.status).toBe(200);
      const rows = records(res.text);
      expect(rows.map((r) => r.service).sort()).toEqual(hostileServices.map((s) => `'${s}`).sort());
      for (const row of rows) {
        expect(row.label).toBe(row.service);
        expect(row.requests).toBe('1');
        for (const column of ['successes', 'errors', 'input_tokens', 'output_tokens', 'total_tokens'])
          expect(row[column]).toMatch(/^\d+$/);
        for (const column of ['cost', 'credits']) expect(row[column]).toMatch(/^-?\d+(\.\d+)?$/);
      }
      // the raw text: a CR cell is quoted, nothing unquoted starts with a formula character
      expect(res.text).toContain(`"'\rx"`);
      expect(res.text.split('\n').filter((l) => /^[=+\-@\t]/.test(l))).toEqual([]);
    });

    it('neutralises a team name and an API key name in the label column', async () => {
      const byTeam = records((await exportCsv('groupBy=TEAM')).text);
      expect(byTeam).toHaveLength(1);
      expect(byTeam[0]).toMatchObject({ team: teamId, label: `'${formulaTeam}`, requests: '6' });
      const byKey = records((await exportCsv('groupBy=API_KEY')).text);
      expect(byKey.map((r) => r.label)).toEqual([`'@SUM(1)`]);
    });

    it('refuses a 10-year MINUTE export with RANGE_TOO_LARGE from the range alone', async () => {
      const started = Date.now();
      const res = await request(server())
        .get(`/v1/exports/usage.csv?from=${TEN_YEARS.from}&to=${TEN_YEARS.to}&granularity=MINUTE&groupBy=SERVICE`)
        .set('Authorization', `Bearer ${adminToken}`);
      console.log(`10-year MINUTE export refused in ${Date.now() - started} ms`);
      expectRestError(res, 400, 'RANGE_TOO_LARGE');
      expect(res.body.error.limit).toBe(100_000);
    });

    it('caps concurrent exports per user: the third gets 429 until one finishes', async () => {
      const pg = new Client({ connectionString: config.postgres.url });
      await pg.connect();
      const url = `/v1/exports/usage.csv?preset=LAST_1_DAY&teamIds=${teamId}&groupBy=TEAM`;
      const get = () => request(server()).get(url).set('Authorization', `Bearer ${adminToken}`);
      try {
        // the team names' lookup waits on this lock, so two exports stay in flight
        await pg.query('BEGIN');
        await pg.query('LOCK TABLE teams IN ACCESS EXCLUSIVE MODE');
        const inFlight = [get().then((r) => r), get().then((r) => r)];
        const waiting = "SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'teams'::regclass";
        await waitFor(
          'two exports waiting on the lock',
          async () => (await pg.query(waiting)).rows[0].n,
          (n) => n >= 2,
        );
        const third = await get();
        expectRestError(third, 429, 'RATE_LIMITED');
        expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        await pg.query('COMMIT');
        for (const res of await Promise.all(inFlight)) expect(res.status).toBe(200);
        expect((await get()).status).toBe(200);
      } finally {
        await pg.query('ROLLBACK').catch(() => undefined);
        await pg.end();
      }
    });
  });

  describe('RANGE_TOO_LARGE before any work, in GraphQL', () => {
    const code = async (query: string, filter: Record<string, unknown>) => {
      const started = Date.now();
      const res = await graphql(app, query, { f: filter }, adminToken);
      return { code: res.errors?.[0]?.extensions?.code, data: res.data, ms: Date.now() - started };
    };

    it('ranking over 10 years at MINUTE, of a team without events: RANGE_TOO_LARGE, not []', async () => {
      const query = `query($f: UsageFilter!) {
        usageRanking(filter: $f, dimension: SERVICE, metric: REQUESTS, limit: 5, granularity: MINUTE) { key } }`;
      const empty = await code(query, { range: TEN_YEARS, teamIds: [randomUUID()] });
      console.log(`10-year MINUTE ranking (no events) refused in ${empty.ms} ms`);
      expect(empty.code).toBe('RANGE_TOO_LARGE');
      const full = await code(query, { range: TEN_YEARS, teamIds: [teamId] });
      console.log(`10-year MINUTE ranking refused in ${full.ms} ms`);
      expect(full.code).toBe('RANGE_TOO_LARGE');
    });

    it('trend and breakdown sparklines too, for custom ranges and presets', async () => {
      const trend = `query($f: UsageFilter!) {
        usageTrend(filter: $f, granularity: MINUTE, metrics: [REQUESTS]) { key } }`;
      expect((await code(trend, { range: TEN_YEARS })).code).toBe('RANGE_TOO_LARGE');
      expect((await code(trend, { range: { preset: 'LAST_30_DAYS' } })).code).toBe('RANGE_TOO_LARGE');
      const breakdown = `query($f: UsageFilter!) { usageBreakdown(filter: $f, view: SERVICE) { totalCount } }`;
      expect((await code(breakdown, { range: TEN_YEARS, teamIds: [teamId] })).code).toBe('RANGE_TOO_LARGE');
      const fine = await code(breakdown, { range: { preset: 'LAST_30_DAYS' }, teamIds: [teamId] });
      expect(fine.code).toBeUndefined();
      expect(fine.data).toEqual({ usageBreakdown: { totalCount: 6 } });
    });
  });

  describe('cheap /health', () => {
    it('answers the cached state, opening no Kafka client however often it is called', async () => {
      const kafka = app.get(Kafka);
      const clients = [jest.spyOn(kafka, 'admin'), jest.spyOn(kafka, 'producer'), jest.spyOn(kafka, 'consumer')];
      const health = app.get(DependencyHealth);
      const adminsBefore = health.kafkaAdminsCreated;
      try {
        for (let i = 0; i < 50; i++) {
          const res = await request(server()).get('/health').expect(200);
          expect(res.body).toEqual({
            status: 'ok',
            dependencies: {
              clickhouse: {
                status: 'up',
                mode: expect.stringMatching(/^(server|embedded)$/),
                checkedAt: expect.any(String),
              },
              kafka: { status: 'up', checkedAt: expect.any(String) },
              postgres: { status: 'up', checkedAt: expect.any(String) },
            },
          });
        }
        for (const spy of clients) expect(spy).not.toHaveBeenCalled();
        expect(health.kafkaAdminsCreated).toBe(adminsBefore);
        expect(adminsBefore).toBe(1);
      } finally {
        for (const spy of clients) spy.mockRestore();
      }
    });
  });

  describe('/metrics behind METRICS_TOKEN', () => {
    it('refuses no token and a wrong one (a user token included) in the REST shape', async () => {
      expectRestError(await request(server()).get('/metrics'), 401, 'UNAUTHENTICATED');
      expectRestError(
        await request(server()).get('/metrics').set('Authorization', 'Bearer wrong-token'),
        401,
        'UNAUTHENTICATED',
      );
      expectRestError(
        await request(server()).get('/metrics').set('Authorization', `Bearer ${adminToken}`),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('serves with the right token, from background gauges (no engine query per scrape)', async () => {
      // the background reading, now that call_events has parts (the first ran at start)
      await app.get(ClickHouseTableMetrics).refresh();
      const query = jest.spyOn(app.get(ClickHouseGateway), 'query');
      try {
        for (let i = 0; i < 5; i++) {
          const res = await request(server())
            .get('/metrics')
            .set('Authorization', `Bearer ${METRICS_TOKEN}`)
            .expect(200);
          expect(res.text).toMatch(/^clickhouse_active_parts\{table="call_events"\} [1-9]\d*$/m);
          expect(res.text).toContain('process_cpu_seconds_total');
        }
        expect(query.mock.calls.filter(([sql]) => String(sql).includes('system.parts'))).toEqual([]);
      } finally {
        query.mockRestore();
      }
    });
  });
});

describe('rate limits', () => {
  let config: AppConfig;
  let app: INestApplication;
  let adminToken: string;
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    config = isolatedConfig('http_limits', {
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '5',
      RATE_LIMIT_EXPENSIVE_PER_MINUTE: '4',
    });
    app = await startStandalone(config);
    adminToken = await platformAdminToken(app);
  });
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  it('expensive GraphQL queries past the budget: RATE_LIMITED with Retry-After; cheap ones go on', async () => {
    const summary = `{ usageSummary(filter: { range: { preset: LAST_1_DAY } }) { requests } }`;
    for (let i = 0; i < 4; i++) expect((await graphql(app, summary, {}, adminToken)).errors).toBeUndefined();
    const res = await request(server())
      .post('/graphql')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ query: summary });
    expect(res.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(
      (
        await graphql(
          app,
          `
            {
              myUsage(range: { preset: LAST_1_DAY }) {
                usage {
                  requests
                }
              }
            }
          `,
          {},
          adminToken,
        )
      ).errors?.[0]?.extensions?.code,
    ).toBe('RATE_LIMITED');
    // a query without @Expensive is not counted
    expect(
      (
        await graphql(
          app,
          `
            {
              __typename
            }
          `,
          {},
          adminToken,
        )
      ).errors,
    ).toBeUndefined();
  });

  it('the budget is per principal: another user exports once, then gets 429', async () => {
    const created = await ok(
      app,
      'mutation { createUser(username: "second_user", email: "second@example.com") { accessToken } }',
      {},
      adminToken,
    );
    const token = created.createUser.accessToken;
    const exportCsv = () =>
      request(server()).get('/v1/exports/usage.csv?preset=LAST_1_DAY').set('Authorization', `Bearer ${token}`);
    expect((await exportCsv()).status).toBe(200);
    const refused = await exportCsv();
    expectRestError(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('failed tokens past the limit: 429 with Retry-After for the address, before any token lookup', async () => {
    const authenticate = jest.spyOn(app.get(AuthService), 'authenticate');
    try {
      for (let i = 0; i < 5; i++) {
        expectRestError(
          await request(server()).get('/v1/exports/usage.csv').set('Authorization', `Bearer uat_wrong_${i}`),
          401,
          'UNAUTHENTICATED',
        );
      }
      expect(authenticate).toHaveBeenCalledTimes(5);
      const refused = await request(server())
        .get('/v1/exports/usage.csv')
        .set('Authorization', 'Bearer uat_wrong_again');
      expectRestError(refused, 429, 'RATE_LIMITED');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(12);
      // GraphQL over HTTP: an error with code RATE_LIMITED, and the same header
      const gql = await request(server())
        .post('/graphql')
        .set('Authorization', 'Bearer uat_wrong')
        .send({ query: '{ me { id } }' });
      expect(gql.body.errors[0].extensions.code).toBe('RATE_LIMITED');
      expect(Number(gql.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // even a valid token from this address waits: the lookup is what the limit protects
      const valid = await request(server()).get('/v1/exports/usage.csv').set('Authorization', `Bearer ${adminToken}`);
      expectRestError(valid, 429, 'RATE_LIMITED');
      expect(authenticate).toHaveBeenCalledTimes(5);
      // public routes stay open
      await request(server()).get('/health').expect(200);
    } finally {
      authenticate.mockRestore();
    }
  });
});

describe('/health with a dependency down', () => {
  let config: AppConfig;
  let app: INestApplication;
  let realDatabaseUrl: string;
  const sockets = new Set<net.Socket>();
  let proxy: net.Server;
  let proxyPort = 0;

  /** A TCP relay to Postgres that the test can cut: the service then finds Postgres down. */
  function openProxy(target: URL): Promise<void> {
    proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    return new Promise((resolve) =>
      proxy.listen(proxyPort, '127.0.0.1', () => {
        proxyPort = (proxy.address() as net.AddressInfo).port;
        resolve();
      }),
    );
  }

  function closeProxy(): Promise<void> {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => proxy.close(() => resolve()));
  }

  beforeAll(async () => {
    const direct = isolatedConfig('http_health_down');
    realDatabaseUrl = direct.postgres.url;
    await openProxy(new URL(realDatabaseUrl));
    const proxied = new URL(realDatabaseUrl);
    proxied.host = `127.0.0.1:${proxyPort}`;
    config = isolatedConfig('http_health_down', {
      DATABASE_URL: proxied.toString(),
      HEALTH_CHECK_INTERVAL_MS: '200',
      HEALTH_PROBE_TIMEOUT_MS: '3000',
    });
    app = await startStandalone(config);
  });
  afterAll(async () => {
    await app?.close();
    if (proxy?.listening) await closeProxy();
    if (!config) return;
    const direct = new URL(config.postgres.url);
    direct.host = new URL(realDatabaseUrl).host;
    await dropDatabase({ postgres: { url: direct.toString() } } as AppConfig);
  });

  it('answers 503 with the state only, no error text, and recovers', async () => {
    await request(app.getHttpServer()).get('/health').expect(200);
    await closeProxy();
    // a loaded machine can time a probe of another dependency out for a moment: wait for Postgres alone down
    const down = await waitFor(
      'postgres down, the others up',
      () => request(app.getHttpServer()).get('/health'),
      (r) =>
        r.status === 503 &&
        r.body.dependencies?.postgres?.status === 'down' &&
        r.body.dependencies?.kafka?.status === 'up' &&
        r.body.dependencies?.clickhouse?.status === 'up',
      20_000,
    );
    expect(down.body).toEqual({
      status: 'degraded',
      dependencies: {
        clickhouse: { status: 'up', mode: expect.any(String), checkedAt: expect.any(String) },
        kafka: { status: 'up', checkedAt: expect.any(String) },
        postgres: { status: 'down', checkedAt: expect.any(String) },
      },
    });
    expect(down.text).not.toMatch(/ECONNREFUSED|terminated|timeout|error|127\.0\.0\.1/i);
    await openProxy(new URL(realDatabaseUrl));
    await waitFor(
      'postgres up again',
      () => request(app.getHttpServer()).get('/health'),
      (r) => r.status === 200,
      30_000,
    );
  });
});
