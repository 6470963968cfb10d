import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { RateLimits, SQL_MAX_CONCURRENT_EMBEDDED } from '@app/auth';
import type { AppConfig } from '@app/config';
import { createTestUser, graphql, startStandalone, TestUser } from '../harness/app';
import { dropDatabase, isolatedConfig, waitFor } from '../harness/test-env';

const AUDIT = `query($n: Int, $a: String) { sqlAudit(first: $n, after: $a) { pageInfo { hasNextPage endCursor }
  edges { cursor node { id userId at query outcome errorCode } } } }`;

// allowed, and slow: 10^10 products take the engine seconds (and are cut at the 10 s limit at worst)
const SLOW =
  'SELECT sum(a * b) FROM (SELECT arrayJoin(range(100000)) a) x CROSS JOIN (SELECT arrayJoin(range(100000)) b) y';

interface AuditEdge {
  cursor: string;
  node: { id: string; userId: string; at: string; query: string; outcome: string; errorCode: string | null };
}

/** On the embedded engine of the tests; the cap on a ClickHouse server (4) is in rate-limits.service.spec.ts. */
describe('ad hoc SQL: the audit trail paged, and the cap on runs at once', () => {
  let config: AppConfig;
  let app: INestApplication;
  let admin: TestUser;
  let sre: TestUser;
  let finance: TestUser;
  let owner: TestUser;
  let plain: TestUser;

  beforeAll(async () => {
    config = isolatedConfig('sql_audit_cap');
    app = await startStandalone(config);
    [admin, sre, finance, owner, plain] = await Promise.all([
      createTestUser(app, 'admin', ['ADMIN']),
      createTestUser(app, 'sre', ['SRE']),
      createTestUser(app, 'finance', ['FINANCE']),
      createTestUser(app, 'owner'),
      createTestUser(app, 'plain'),
    ]);
    const team = await graphql<any>(app, 'mutation { createTeam(name: "audited") { id } }', {}, owner.token);
    expect(team.errors).toBeUndefined();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  const sql = (user: TestUser, body: object) =>
    request(app.getHttpServer()).post('/v1/sql').set('Authorization', `Bearer ${user.token}`).send(body);

  async function auditPage(user: TestUser, first: number, after?: string) {
    const res = await graphql<any>(app, AUDIT, { n: first, a: after }, user.token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.sqlAudit as { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: AuditEdge[] };
  }

  async function everyEntry(user: TestUser, first: number, between?: () => Promise<void>) {
    const seen: AuditEdge[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await auditPage(user, first, after);
      seen.push(...page.edges);
      if (page.edges.length) expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
      if (!page.pageInfo.hasNextPage) return seen;
      after = page.pageInfo.endCursor!;
      await between?.();
    }
  }

  it('sqlAudit pages newest first, every run once, while new runs are audited meanwhile', async () => {
    const ran: string[] = [];
    for (let i = 0; i < 11; i++) {
      const [user, query] = i % 2 ? [admin, `SELECT ${i} AS n`] : [sre, `SELECT ${i} AS n FROM system.tables`];
      await sql(user, { query }).expect(i % 2 ? 200 : 403);
      ran.push(query);
    }
    let added = 0;
    const seen = await everyEntry(sre, 3, async () => {
      // newer than every cursor handed out: it must not appear in a later page
      await sql(admin, { query: `SELECT ${100 + added} AS late` }).expect(200);
      added += 1;
    });
    expect(added).toBe(3);
    const ids = seen.map((e) => BigInt(e.node.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i] < ids[i - 1]).toBe(true);
    for (let i = 1; i < seen.length; i++)
      expect(Date.parse(seen[i].node.at)).toBeLessThanOrEqual(Date.parse(seen[i - 1].node.at));
    expect(seen.map((e) => e.node.query)).toEqual([...ran].reverse());
    expect(seen.map((e) => e.node.outcome)).toEqual(ran.map((_, i) => (i % 2 ? 'OK' : 'REFUSED')).reverse());
    expect(seen.map((e) => e.node.userId)).toEqual(ran.map((_, i) => (i % 2 ? admin.id : sre.id)).reverse());
    // the runs made while paging come first on a fresh read
    const fresh = await auditPage(admin, 3);
    expect(fresh.edges.map((e) => e.node.query)).toEqual([
      'SELECT 102 AS late',
      'SELECT 101 AS late',
      'SELECT 100 AS late',
    ]);
    expect(fresh.pageInfo.hasNextPage).toBe(true);
    // the last page says so, and a cursor past the oldest entry answers an empty page
    const last = await auditPage(sre, 500);
    expect(last.pageInfo.hasNextPage).toBe(false);
    const empty = await auditPage(sre, 5, last.pageInfo.endCursor!);
    expect([empty.edges, empty.pageInfo]).toEqual([[], { hasNextPage: false, endCursor: null }]);
  });

  it('sqlAudit: bad paging is BAD_USER_INPUT; only ADMIN and SRE read it', async () => {
    for (const [first, after] of [
      [0, undefined],
      [501, undefined],
      [-1, undefined],
      [5, 'abc'],
      [5, '-1'],
      [5, '1.5'],
      [5, '99999999999999999999'],
      [5, ''],
    ] as const) {
      const res = await graphql(app, AUDIT, { n: first, a: after }, sre.token);
      expect([first, after, res.errors?.map((e) => e.extensions?.code)]).toEqual([first, after, ['BAD_USER_INPUT']]);
    }
    for (const user of [admin, sre]) expect((await auditPage(user, 1)).edges).toHaveLength(1);
    for (const user of [finance, owner, plain]) {
      const res = await graphql(app, AUDIT, { n: 5 }, user.token);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(res.data).toBeNull();
    }
  });

  it('caps SQL runs per process (one on the embedded engine) and per person: 429 with Retry-After', async () => {
    const limits = app.get(RateLimits);
    const cap = limits.sqlRuns.perKey;
    expect(cap).toBe(SQL_MAX_CONCURRENT_EMBEDDED);
    const people = await Promise.all(
      Array.from({ length: cap + 1 }, (_, i) => createTestUser(app, `sre${i}`, ['SRE'])),
    );
    const running = people.slice(0, cap).map((p) => sql(p, { query: SLOW }).then((r) => r));
    await waitFor(
      'every slot taken',
      async () => limits.sqlRuns.inUse('process'),
      (n) => n === cap,
      30_000,
      20,
    );
    // one more person: the process is full
    const extra = await sql(people[cap], { query: 'SELECT 1' });
    expect([extra.status, extra.body.error?.code, extra.headers['retry-after']]).toEqual([429, 'RATE_LIMITED', '2']);
    // one of those running, again: one query per person at a time (GraphQL answers the same)
    const again = await sql(people[0], { query: 'SELECT 1' });
    expect([again.status, again.body.error?.code, again.headers['retry-after']]).toEqual([429, 'RATE_LIMITED', '2']);
    const overGraphql = await graphql(app, '{ sql(query: "SELECT 1") { rows } }', {}, people[cap].token);
    expect(overGraphql.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    expect(limits.sqlRuns.inUse('process')).toBe(cap);
    // a figure, not a limit: how long the service's own read waits behind the admitted runs
    const readStarted = performance.now();
    await graphql(app, '{ usageSummary(filter: { range: { preset: LAST_HOUR } }) { requests } }', {}, sre.token);
    console.log(
      `usageSummary while ${cap} slow SQL run(s) held the engine: ${(performance.now() - readStarted).toFixed(0)} ms`,
    );

    // those admitted ran to their end (an answer, or cut by the time limit), none refused
    for (const end of await Promise.all(running)) {
      expect(end.status === 200 || end.body.error?.code === 'QUERY_TOO_COMPLEX').toBe(true);
    }
    // every slot given back, whatever the end: the refused person runs now
    expect(limits.sqlRuns.inUse('process')).toBe(0);
    for (const p of people) expect(limits.sqlRunsPerUser.inUse(`user:${p.id}`)).toBe(0);
    const later = await sql(people[cap], { query: 'SELECT 1 AS n' }).expect(200);
    expect(later.body.rows).toEqual([[1]]);
    // the refusals are audited as such
    const entries = (await auditPage(sre, 20)).edges.map((e) => e.node);
    const limited = entries.filter((e) => e.errorCode === 'RATE_LIMITED');
    expect(limited.map((e) => [e.userId, e.outcome])).toEqual([
      [people[cap].id, 'REFUSED'],
      [people[0].id, 'REFUSED'],
      [people[cap].id, 'REFUSED'],
    ]);
  }, 120_000);
});
