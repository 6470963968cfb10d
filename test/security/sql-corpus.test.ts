import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ClickHouseGateway } from '@app/clickhouse';
import type { AppConfig } from '@app/config';
import { graphql, startStandalone } from '../harness/app';
import { dropDatabase, isolatedConfig } from '../harness/test-env';
import { buildTwoTeams, TwoTeams } from './two-teams';

type Expected = 'BAD_USER_INPUT' | 'FORBIDDEN' | 'CUT';

interface Hostile {
  category: string;
  sql: string;
  expected: Expected;
}

const WRITES = [
  'INSERT INTO calls SELECT * FROM calls',
  "INSERT INTO call_events (event_id) VALUES ('x')",
  'ALTER TABLE call_events DELETE WHERE 1',
  'ALTER TABLE calls UPDATE cost = 0 WHERE 1',
  'DELETE FROM call_events WHERE 1',
  'UPDATE call_events SET cost = 0 WHERE 1',
  'TRUNCATE TABLE call_events',
  'DROP TABLE calls',
  'DROP VIEW usage_hourly',
  'DROP DATABASE usage',
  'CREATE TABLE x (a UInt8) ENGINE = Memory',
  'CREATE VIEW x AS SELECT 1',
  'RENAME TABLE calls TO x',
  'OPTIMIZE TABLE call_events FINAL',
  'SYSTEM FLUSH LOGS',
  'SYSTEM SHUTDOWN',
  'KILL QUERY WHERE 1',
  'SET readonly = 0',
  'GRANT ALL ON *.* TO default',
  'DETACH TABLE call_events',
  'ATTACH TABLE call_events',
  'EXCHANGE TABLES calls AND usage_hourly',
  "BACKUP TABLE calls TO Disk('d', 'x')",
  'SHOW TABLES',
  'DESCRIBE TABLE call_events',
  'USE system',
  'CHECK TABLE call_events',
  'CREATE USER x',
  "ALTER USER default IDENTIFIED BY 'x'",
  "INSERT INTO FUNCTION file('x') SELECT 1",
  'CREATE DICTIONARY d (a UInt8) PRIMARY KEY a SOURCE(NULL()) LAYOUT(FLAT()) LIFETIME(0)',
  'WITH 1 AS x INSERT INTO calls SELECT 1',
  'SELECT 1 UNION ALL INSERT INTO calls SELECT 1',
  'CREATE TEMPORARY TABLE t AS SELECT 1',
  'REPLACE TABLE calls AS SELECT 1',
  'UNDROP TABLE x',
  'MOVE TABLE x TO y',
  'ALTER TABLE usage_team_1h DROP PARTITION 202601',
  'SYSTEM DROP DNS CACHE',
];

const MULTI = [
  'SELECT 1; DROP TABLE calls',
  'SELECT 1;DROP TABLE calls;',
  'SELECT count() FROM calls; SELECT 1',
  'SELECT 1; SELECT * FROM system.tables',
  "SELECT ';'; DROP TABLE x",
  'SELECT 1; -- \nTRUNCATE call_events',
  'SELECT 1;\nINSERT INTO calls SELECT * FROM calls',
  'SELECT 1; SET readonly = 0',
  'SELECT 1 /* a */; /* b */ SELECT 2',
  'SELECT 1;;SELECT 2',
];

const TABLE_FUNCTIONS = [
  "file('/etc/passwd', 'LineAsString')",
  "url('http://127.0.0.1:1/', 'CSV')",
  "s3('http://x/y', 'CSV')",
  "remote('127.0.0.1', system.one)",
  "remoteSecure('127.0.0.1', system.one)",
  "cluster('default', system.one)",
  "executable('x.sh', 'CSV', 'a String')",
  'numbers(1000000000)',
  'numbers_mt(1000000000)',
  'zeros(100)',
  "generateRandom('a UInt8')",
  "merge('usage', '.*')",
  'view(SELECT * FROM call_events)',
  "values('a UInt8', 1)",
  "mysql('h', 'd', 't', 'u', 'p')",
  "postgresql('h', 'd', 't', 'u', 'p')",
  "hdfs('hdfs://x', 'CSV')",
  "jdbc('x', 'y')",
  "odbc('x', 'y', 'z')",
  "null('a UInt8')",
  'generate_series(1, 100)',
  "mergeTreeIndex('usage', 'call_events')",
  "format(CSV, '1')",
  "input('a UInt8')",
  "loop('usage', 'calls')",
];

const SYSTEM_TABLES = [
  'system.tables',
  'system.one',
  'system.numbers',
  'system.processes',
  'system.query_log',
  'system.users',
  'system.settings',
  'system.parts',
  'system.columns',
  'system.databases',
  'INFORMATION_SCHEMA.TABLES',
  'information_schema.columns',
  '`system`.`tables`',
  '"system"."one"',
];

const INTERNAL = [
  'call_events',
  'event_ids',
  'usage_team_1h',
  'usage_team_1m',
  'usage_detail_1d',
  'usage_key_1h',
  'usage_key_1d',
  'membership_events',
  'schema_migrations',
  'ingest_chunks',
  'usage.call_events',
  'default.calls',
  '`call_events`',
  'usage_platform_1h',
  'usage_user_1d',
];

const SETTINGS = [
  'SELECT 1 SETTINGS readonly = 0',
  'SELECT count() FROM calls SETTINGS max_execution_time = 0',
  "SELECT count() FROM calls SETTINGS additional_table_filters = {'calls': '1'}",
  'SELECT * FROM (SELECT count() FROM calls SETTINGS max_result_rows = 0)',
  'SELECT 1 SETTINGS max_memory_usage = 0',
  'WITH x AS (SELECT 1 SETTINGS readonly = 0) SELECT * FROM x',
  'SELECT 1 UNION ALL SELECT 2 SETTINGS max_rows_to_read = 0',
  'SELECT 1 settings   readonly=0',
];

const OUTPUT = [
  'SELECT 1 FORMAT JSON',
  'SELECT 1 FORMAT TabSeparated',
  'SELECT * FROM calls FORMAT Native',
  "SELECT 1 INTO OUTFILE '/tmp/x'",
  "SELECT 1 INTO OUTFILE '/tmp/x' FORMAT CSV",
  'SELECT 1 format json',
  "SELECT * FROM calls INTO OUTFILE '/tmp/y' TRUNCATE",
  'SELECT 1 FORMAT Null',
];

const DENIED_FUNCTIONS = [
  'sleep(3)',
  'sleepEachRow(3)',
  "dictGet('d', 'x', 1)",
  "dictHas('d', 1)",
  "dictGetString('d', 'x', 1)",
  "getSetting('readonly')",
  'hostName()',
  "file('/etc/passwd')",
  "joinGet('j', 'x', 1)",
  "hasColumnInTable('usage', 'call_events', 'cost')",
  'filesystemAvailable()',
  "getMacro('x')",
  "getServerSetting('x')",
  'SLEEP(3)',
  'fqdn()',
];

/** Refusals that must hold whatever the wrapping: bare, in a subquery, in a CTE, behind a UNION. */
function corpus(teamB: string): Hostile[] {
  const list: Hostile[] = [];
  const add = (category: string, expected: Expected, sql: string) => list.push({ category, sql, expected });
  for (const sql of WRITES) add('write or DDL', 'BAD_USER_INPUT', sql);
  for (const sql of MULTI) add('several statements', 'BAD_USER_INPUT', sql);
  for (const f of TABLE_FUNCTIONS) {
    add('table function', 'FORBIDDEN', `SELECT * FROM ${f}`);
    add(
      'table function',
      'FORBIDDEN',
      `SELECT count() FROM calls WHERE team_id IN (SELECT toUUID('${teamB}') FROM ${f})`,
    );
  }
  for (const t of SYSTEM_TABLES) {
    add('system table', 'FORBIDDEN', `SELECT * FROM ${t}`);
    add('system table', 'FORBIDDEN', `WITH x AS (SELECT * FROM ${t}) SELECT count() FROM x`);
  }
  for (const t of INTERNAL) {
    add('internal relation', 'FORBIDDEN', `SELECT count() FROM ${t}`);
    add('internal relation', 'FORBIDDEN', `SELECT count() FROM calls UNION ALL SELECT count() FROM ${t}`);
  }
  for (const sql of SETTINGS) add('settings override', 'BAD_USER_INPUT', sql);
  for (const sql of OUTPUT) add('FORMAT or INTO OUTFILE', 'BAD_USER_INPUT', sql);
  for (const f of DENIED_FUNCTIONS) {
    add('denied function', 'FORBIDDEN', `SELECT ${f}`);
    add(
      'denied function',
      'FORBIDDEN',
      `SELECT count() FROM calls WHERE team_id IN (SELECT team_id FROM calls WHERE ${f} = 0)`,
    );
  }
  // what hides in comments or odd characters is seen by the engine's parser as the engine sees it
  add('hidden', 'FORBIDDEN', 'SELECT 1 /* FROM calls */ FROM call_events');
  add('hidden', 'FORBIDDEN', 'SELECT 1 -- FROM calls\nFROM system.one');
  add('hidden', 'FORBIDDEN', 'SELECT * FROM calls /* harmless */ UNION ALL SELECT * FROM /* calls */ call_events');
  add('hidden', 'FORBIDDEN', 'SELECT/**/count()/**/FROM/**/system.tables');
  add('hidden', 'FORBIDDEN', 'SELECT count() FROM\tcall_events');
  add('hidden', 'FORBIDDEN', 'SELECT count() FROM\u00a0call_events');
  add('hidden', 'BAD_USER_INPUT', 'SELECT count() FROM calls; \u037e DROP TABLE calls');
  add('hidden', 'BAD_USER_INPUT', '\uff33\uff25\uff2c\uff25\uff23\uff34 1');
  add('hidden', 'BAD_USER_INPUT', 'SELECT 1 \u2028 FORMAT JSON');
  add('hidden', 'FORBIDDEN', 'SELECT s\u0300leep(1)'.normalize('NFD').replace('s\u0300', 's') + ' FROM calls');
  add('hidden', 'FORBIDDEN', 'sElEcT count() fRoM SyStEm.tables');
  add('hidden', 'FORBIDDEN', 'SELECT count() FROM `usage`.`call_events`');
  add('hidden', 'FORBIDDEN', 'SELECT count() FROM "usage"."call_events"');
  add('hidden', 'BAD_USER_INPUT', 'SELECT 1 /*; DROP TABLE calls */ SETTINGS readonly = 0');
  add('hidden', 'BAD_USER_INPUT', "SELECT '--' AS x -- ' \nSETTINGS readonly = 0");
  add('hidden', 'FORBIDDEN', 'SELECT count() FROM calls WHERE team_id IN call_events');
  add('hidden', 'BAD_USER_INPUT', 'SELECT count() FROM calls WHERE team_id IN calls');
  add('hidden', 'FORBIDDEN', 'WITH call_events AS (SELECT 1) SELECT * FROM call_events');
  add('hidden', 'FORBIDDEN', 'SELECT * FROM (EXPLAIN SELECT * FROM call_events)');
  add('hidden', 'BAD_USER_INPUT', '');
  // as a subquery, EXPLAIN is the table function viewExplain
  add('hidden', 'FORBIDDEN', 'EXPLAIN SELECT * FROM call_events');
  // bombs: the engine's limits cut them (an error QUERY_TOO_COMPLEX or an answer cut at maxRows)
  add('bomb', 'CUT', 'SELECT arrayJoin(range(1000000)) AS n');
  add(
    'bomb',
    'CUT',
    'SELECT a, b FROM (SELECT arrayJoin(range(10000)) AS a) AS x CROSS JOIN (SELECT arrayJoin(range(10000)) AS b) AS y',
  );
  add('bomb', 'CUT', "SELECT length(groupArray(repeat('x', 1000000))) FROM (SELECT arrayJoin(range(100000)) AS n)");
  add('bomb', 'CUT', 'SELECT arrayJoin(arrayMap(x -> range(100000), range(10000))) AS r');
  add(
    'bomb',
    'CUT',
    // 10^12 products: an idle engine sums 10^10 within the 10 s limit, this one it cannot
    'SELECT sum(a * b) FROM (SELECT arrayJoin(range(1000000)) a) x CROSS JOIN (SELECT arrayJoin(range(1000000)) b) y',
  );
  add('bomb', 'CUT', "SELECT repeat('x', 100000000) AS s, arrayJoin(range(100)) AS n");
  add(
    'huge result',
    'CUT',
    'SELECT c1.event_id, c2.event_id FROM calls AS c1 CROSS JOIN calls AS c2 ' +
      'CROSS JOIN (SELECT arrayJoin(range(1000))) AS n',
  );
  add('huge result', 'CUT', 'SELECT toString(n) AS s FROM (SELECT arrayJoin(range(200000)) AS n)');
  return list;
}

/** Escapes a team OWNER might try: every one must answer team A's rows only. */
function escapes(teamB: string, database: string): string[] {
  const b = `toUUID('${teamB}')`;
  return [
    'SELECT team_id FROM calls',
    `SELECT team_id FROM calls WHERE team_id = ${b}`,
    `SELECT team_id FROM calls WHERE team_id = ${b} OR 1 = 1`,
    `SELECT team_id FROM calls UNION ALL SELECT team_id FROM calls WHERE team_id = ${b}`,
    `WITH x AS (SELECT team_id FROM calls WHERE team_id = ${b}) SELECT team_id FROM x`,
    `WITH x AS (SELECT * FROM usage_daily) SELECT team_id FROM x WHERE team_id = ${b}`,
    `SELECT team_id FROM (SELECT * FROM (SELECT * FROM calls)) WHERE team_id = ${b}`,
    'SELECT c2.team_id AS team_id FROM calls AS c1 CROSS JOIN calls AS c2',
    'SELECT u.team_id AS team_id FROM calls AS c RIGHT JOIN usage_hourly AS u ON 1 = 1',
    'SELECT team_id FROM usage_hourly WHERE team_id NOT IN (SELECT team_id FROM calls)',
    'SELECT team_id FROM usage_minutely',
    'SELECT team_id FROM usage_daily',
    'SELECT team_id FROM team_events',
    `SELECT team_id FROM ${database}.calls`,
    'SELECT team_id FROM `calls` AS `x`',
    `SELECT team_id FROM calls WHERE team_id IN (SELECT team_id FROM usage_daily WHERE team_id = ${b})`,
    'SELECT arrayJoin(groupArray(team_id)) AS team_id FROM calls',
    `SELECT team_id FROM calls WHERE team_id = {t:UUID}`,
    'SELECT team_id FROM calls UNION DISTINCT SELECT team_id FROM team_events',
    'SELECT team_id FROM calls INTERSECT SELECT team_id FROM usage_hourly',
  ];
}

describe('ad hoc SQL: hostile corpus', () => {
  let config: AppConfig;
  let app: INestApplication;
  let world: TwoTeams;

  beforeAll(async () => {
    config = isolatedConfig('sql_corpus');
    app = await startStandalone(config);
    world = await buildTwoTeams(app);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  const sql = (token: string, body: object) =>
    request(app.getHttpServer()).post('/v1/sql').set('Authorization', `Bearer ${token}`).send(body);

  it('refuses or cuts every hostile statement, as SRE and as a team OWNER, while /health stays fast', async () => {
    const statements = corpus(world.b.id);
    expect(statements.length).toBeGreaterThanOrEqual(200);
    const health: { ms: number; during: string }[] = [];
    let current = '';
    let running = true;
    const probe = (async () => {
      while (running) {
        const started = performance.now();
        await request(app.getHttpServer()).get('/health');
        health.push({ ms: performance.now() - started, during: current });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const outcomes: Record<string, Record<string, number>> = {};
    const wrong: string[] = [];
    try {
      for (const s of statements) {
        current = s.sql;
        for (const [who, body] of [
          ['sre', { query: s.sql, maxRows: 1000 }],
          ['owner', { query: s.sql, teamId: world.a.id, maxRows: 1000 }],
        ] as const) {
          const user = who === 'sre' ? world.sre : world.ownerA;
          const res = await sql(user.token, body);
          const got = res.status === 200 ? (res.body.truncated ? 'CUT' : 'ANSWERED') : res.body.error?.code;
          const outcome = got === 'QUERY_TOO_COMPLEX' ? 'CUT' : got;
          (outcomes[s.category] ??= {})[outcome] = ((outcomes[s.category] ??= {})[outcome] ?? 0) + 1;
          if (outcome !== s.expected)
            wrong.push(`${who} ${JSON.stringify(s.sql)}: ${outcome} ${JSON.stringify(res.body.error ?? '')}`);
        }
      }
    } finally {
      running = false;
      await probe;
    }
    console.log(`corpus ${statements.length} statements x 2 callers`, JSON.stringify(outcomes));
    const slowest = [...health].sort((x, y) => y.ms - x.ms).slice(0, 3);
    console.log(`/health during the corpus: ${health.length} probes, slowest ${JSON.stringify(slowest)}`);
    expect(wrong).toEqual([]);
    expect(health.length).toBeGreaterThan(10);
    // a statement that held the event loop would stall the probe in flight for as long: none may come near a
    // second; and /health stays fast throughout. One probe in a thousand can meet the other test worker's
    // CPU on 2 cores (254 ms once in CI, during `SELECT 1`), so the bound on all of them is the 99th percentile.
    expect(slowest[0].ms).toBeLessThan(1_000);
    const byTime = health.map((p) => p.ms).sort((a, b) => a - b);
    expect(byTime[Math.ceil(0.99 * byTime.length) - 1]).toBeLessThan(200);
  }, 600_000);

  it('keeps a team OWNER inside their team whatever the join, subquery, CTE or UNION', async () => {
    const leaks: string[] = [];
    for (const query of escapes(world.b.id, config.clickhouse.database)) {
      const res = await sql(world.ownerA.token, { query, teamId: world.a.id, params: { t: world.b.id } });
      if (res.status !== 200) {
        leaks.push(`${query}: ${res.status} ${JSON.stringify(res.body)}`);
        continue;
      }
      const teams = new Set((res.body.rows as unknown[][]).map((r) => r[0]));
      for (const team of teams) if (team !== world.a.id) leaks.push(`${query}: saw ${String(team)}`);
    }
    expect(leaks).toEqual([]);
    // the same query as SRE does see team B: the filter, not the data, kept the owner out
    const sre = await sql(world.sre.token, { query: `SELECT DISTINCT team_id FROM calls` }).expect(200);
    expect((sre.body.rows as string[][]).map((r) => r[0])).toEqual(expect.arrayContaining([world.a.id, world.b.id]));
  }, 120_000);

  it('answers SRE, FINANCE and OWNER in their scopes and refuses a MEMBER', async () => {
    const all = await sql(world.sre.token, { query: 'SELECT count() AS n FROM calls' }).expect(200);
    expect(all.body.columns).toEqual([{ name: 'n', type: 'UInt64' }]);
    expect(all.body.rows).toEqual([['6']]);
    expect(all.body.rowsRead).toBeGreaterThan(0);
    const finance = await sql(world.finance.token, { query: 'SELECT sum(requests) FROM usage_daily' }).expect(200);
    expect(finance.body.rows).toEqual([['6']]);
    expect((await sql(world.finance.token, { query: 'SELECT count() FROM calls' })).body.error.code).toBe('FORBIDDEN');
    expect((await sql(world.finance.token, { query: 'SELECT count() FROM team_events' })).body.error.code).toBe(
      'FORBIDDEN',
    );
    const owner = await sql(world.ownerA.token, {
      query: 'SELECT sum(requests) FROM usage_hourly',
      teamId: world.a.id,
    });
    expect(owner.body.rows).toEqual([['3']]);
    const member = await sql(world.memberA.token, { query: 'SELECT 1', teamId: world.a.id });
    expect([member.status, member.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const noTeam = await sql(world.ownerA.token, { query: 'SELECT 1' });
    expect(noTeam.body.error.code).toBe('BAD_USER_INPUT');
    const otherTeam = await sql(world.ownerA.token, { query: 'SELECT 1', teamId: world.b.id });
    expect(otherTeam.body.error.code).toBe('FORBIDDEN');
  });

  it('binds params, truncates at maxRows, and no setting sticks to the session', async () => {
    const bound = await sql(world.sre.token, {
      query: 'SELECT count() FROM calls WHERE team_id = {team:UUID} AND service = {svc:String}',
      params: { team: world.b.id, svc: 'svc-b' },
    }).expect(200);
    expect(bound.body.rows).toEqual([['3']]);
    const cut = await sql(world.sre.token, { query: 'SELECT event_id FROM calls', maxRows: 1 }).expect(200);
    expect([cut.body.rows.length, cut.body.truncated]).toEqual([1, true]);
    // the service's own read on the same session right after: max_result_rows = 2 did not stick
    const rows = await app.get(ClickHouseGateway).query('SELECT event_id FROM call_events');
    expect(rows).toHaveLength(6);
    const whole = await sql(world.sre.token, { query: 'SELECT event_id FROM calls', maxRows: 6 }).expect(200);
    expect([whole.body.rows.length, whole.body.truncated]).toEqual([6, false]);
    // a usage read right after the cut run still sees every row (max_result_rows did not stick)
    const usage = await graphql<{ usageSummary: { requests: number } }>(
      app,
      'query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }',
      { f: { range: { preset: 'LAST_1_DAY' }, teamIds: [world.a.id, world.b.id] } },
      world.sre.token,
    );
    expect(usage.data?.usageSummary.requests).toBe(6);
  });

  it('runs one query per person at a time: the next gets 429 RATE_LIMITED with Retry-After', async () => {
    const slow =
      'SELECT sum(a * b) FROM (SELECT arrayJoin(range(100000)) a) x CROSS JOIN (SELECT arrayJoin(range(100000)) b) y';
    const first = sql(world.ownerB.token, { query: slow, teamId: world.b.id }).then((r) => r);
    await new Promise((r) => setTimeout(r, 300));
    const second = await sql(world.ownerB.token, { query: 'SELECT 1', teamId: world.b.id });
    expect([second.status, second.body.error.code, Number(second.headers['retry-after'])]).toEqual([
      429,
      'RATE_LIMITED',
      2,
    ]);
    // someone else is not held up by the per-person cap, but the embedded engine admits one run at a
    // time (RateLimits): told to retry by the process cap, they run once the first run ends
    const other = await sql(world.sre.token, { query: 'SELECT 1' });
    expect([other.status, other.body.error.code, other.body.error.message]).toEqual([
      429,
      'RATE_LIMITED',
      expect.stringMatching(/^at most 1 SQL queries run at once/),
    ]);
    expect((await first).status).not.toBe(429);
    await sql(world.sre.token, { query: 'SELECT 1' }).expect(200);
  }, 60_000);

  it('streams CSV with formula cells neutralised', async () => {
    const res = await sql(world.sre.token, { query: "SELECT '=1+2' AS f, -1.5 AS n, count() AS c FROM calls" })
      .set('Accept', 'text/csv')
      .expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.text).toBe("f,n,c\n'=1+2,-1.5,6\n");
  });

  it('audits every run and serves the audit to ADMIN and SRE only', async () => {
    await sql(world.sre.token, { query: 'SELECT count() FROM call_events' });
    const audit = `{ sqlAudit(first: 5) { edges { node { query querySha256 outcome errorCode scope rowsRead } }
      pageInfo { hasNextPage } } }`;
    const seen = await graphql<{ sqlAudit: { edges: { node: Record<string, unknown> }[] } }>(
      app,
      audit,
      {},
      world.sre.token,
    );
    expect(seen.data?.sqlAudit.edges[0].node).toMatchObject({
      query: 'SELECT count() FROM call_events',
      outcome: 'REFUSED',
      errorCode: 'FORBIDDEN',
      scope: 'PLATFORM',
    });
    expect(seen.data?.sqlAudit.edges[0].node.querySha256).toMatch(/^[0-9a-f]{64}$/);
    const refused = await graphql(app, audit, {}, world.finance.token);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it("saves queries private or shared within a team and runs them in the runner's scope", async () => {
    type Saved = { saveQuery: { id: string; shared: boolean; owner: { id: string } } };
    type Listed = { savedQueries: { name: string }[] };
    type Ran = { runSavedQuery: { rows: unknown[][] } };
    const save = `mutation($n: String!, $s: String!, $t: ID, $sh: Boolean) {
      saveQuery(name: $n, sql: $s, teamId: $t, shared: $sh) { id shared owner { id } } }`;
    const sqlText = 'SELECT sum(requests) FROM usage_hourly WHERE service = {svc:String}';
    const saveAs = (name: string, shared: boolean) =>
      graphql<Saved>(app, save, { n: name, s: sqlText, t: world.b.id, sh: shared }, world.ownerB.token);
    const shared = await saveAs('shared', true);
    const mine = await saveAs('mine', false);
    expect([shared.errors, mine.errors]).toEqual([undefined, undefined]);
    expect(shared.data?.saveQuery.owner.id).toBe(world.ownerB.id);
    const list = 'query($t: ID) { savedQueries(teamId: $t) { name } }';
    const names = async (token: string) =>
      (await graphql<Listed>(app, list, { t: world.b.id }, token)).data?.savedQueries.map((q) => q.name);
    expect(await names(world.ownerB.token)).toEqual(['mine', 'shared']);
    // team B's ADMIN sees the shared one only; a plain MEMBER, who may not run SQL there, neither
    expect(await names(world.shared.token)).toEqual(['shared']);
    expect(await names(world.memberB.token)).toEqual([]);
    const run = 'mutation($id: ID!, $p: JSON) { runSavedQuery(id: $id, params: $p) { rows } }';
    const runAs = (id: string | undefined, token: string) => graphql<Ran>(app, run, { id, p: { svc: 'svc-b' } }, token);
    const ran = await runAs(shared.data?.saveQuery.id, world.shared.token);
    expect(ran.data?.runSavedQuery.rows).toEqual([['3']]);
    const privateRun = await runAs(mine.data?.saveQuery.id, world.shared.token);
    expect(privateRun.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const outsider = await runAs(shared.data?.saveQuery.id, world.ownerA.token);
    expect(outsider.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    type Answer = { sql: { columns: { name: string; type: string }[]; rows: unknown[][]; truncated: boolean } };
    const gql = await graphql<Answer>(
      app,
      '{ sql(query: "SELECT 1 AS one", maxRows: 5) { columns { name type } rows truncated } }',
      {},
      world.sre.token,
    );
    expect(gql.data?.sql).toEqual({ columns: [{ name: 'one', type: 'UInt8' }], rows: [[1]], truncated: false });
  });
});
