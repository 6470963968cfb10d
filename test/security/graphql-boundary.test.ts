import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { AppConfig } from '@app/config';
import { graphql, startStandalone } from '../harness/app';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN } from '../harness/test-env';
import { buildTwoTeams, TwoTeams } from './two-teams';

const CHAIN = 'members { user { memberships { team { id name members { user { email } } apiKeys { id name } } } } }';

function nested(times: number): string {
  let inner = 'id';
  for (let i = 0; i < times; i++) inner = `members { user { memberships { team { ${inner} } } } }`;
  return inner;
}

/** The GraphQL defects of the probe, each as it was reproduced, on the real service. */
describe('GraphQL trust boundary', () => {
  let config: AppConfig;
  let app: INestApplication;
  let w: TwoTeams;

  beforeAll(async () => {
    config = isolatedConfig('gql_boundary');
    app = await startStandalone(config);
    w = await buildTwoTeams(app);
  });
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  const codes = (res: { errors?: Array<{ extensions?: { code?: string } }> }) =>
    (res.errors ?? []).map((e) => e.extensions?.code);

  it('critical 1: a member of A cannot reach team B through a shared member', async () => {
    const res = await graphql(app, `query($a: ID!) { team(id: $a) { ${CHAIN} } }`, { a: w.a.id }, w.memberA.token);
    const text = JSON.stringify(res.data);
    expect(res.errors).toBeUndefined();
    expect(text).toContain(w.a.name);
    expect(text).toContain(w.users.shared.email);
    for (const secret of [w.b.id, w.b.name, w.users.memberB.email, w.users.ownerB.email, ...w.b.keyIds]) {
      expect(text).not.toContain(secret);
    }
    // and B itself, asked for directly, is refused
    expect(
      codes(await graphql(app, 'query($b: ID!) { team(id: $b) { name } }', { b: w.b.id }, w.memberA.token)),
    ).toEqual(['FORBIDDEN']);
  });

  it('critical 2: deep, wide and costly operations are refused before they run, in milliseconds', async () => {
    const cases: Array<[string, string]> = [
      ['the chain nested 10 times', `query($a: ID!) { team(id: $a) { ${nested(10)} } }`],
      ['30,000 aliases', `{ ${Array.from({ length: 30_000 }, (_, i) => `m${i}: me { id }`).join(' ')} }`],
      [
        '500 aliases of usageSummary',
        `{ ${Array.from(
          { length: 500 },
          (_, i) => `s${i}: usageSummary(filter: { range: { preset: LAST_30_DAYS } }) {
          requests }`,
        ).join(' ')} }`,
      ],
      [
        '30 usage reads',
        `{ ${Array.from(
          { length: 30 },
          (_, i) => `s${i}: usageSummary(filter: { range: { preset: LAST_30_DAYS } }) {
          requests }`,
        ).join(' ')} }`,
      ],
      [
        'fragments that fan out',
        `query($a: ID!) { team(id: $a) { ...T } } fragment T on Team { ${Array.from(
          { length: 50 },
          (_, i) => `m${i}:
          members { user { memberships { team { id } } } }`,
        ).join(' ')} }`,
      ],
    ];
    for (const [what, query] of cases) {
      const started = Date.now();
      const res = await request(app.getHttpServer())
        .post('/graphql')
        .set('Authorization', `Bearer ${w.memberA.token}`)
        .send({ query, variables: { a: w.a.id } });
      const elapsed = Date.now() - started;
      process.stdout.write(`refused ${what}: HTTP ${res.status}, ${elapsed} ms, ${res.body.errors?.[0]?.message}\n`);
      expect(res.body.data).toBeUndefined();
      expect(codes(res.body)).toEqual(['QUERY_TOO_COMPLEX']);
    }
    // a page's worth of work still passes
    const page = `query($a: ID!) { team(id: $a) { name members { role user { username } } } s: usageSummary(filter: {
      range: { preset: LAST_7_DAYS } }) { requests } }`;
    expect((await graphql(app, page, { a: w.a.id }, w.ownerA.token)).errors).toBeUndefined();
  });

  it('critical 3 (GraphQL side): the gateway service token reads nothing through GraphQL', async () => {
    for (const query of [
      '{ teams { id } }',
      '{ usageSummary(filter: { range: { preset: LAST_7_DAYS } }) { requests } }',
      '{ me { id } }',
    ]) {
      expect(codes(await graphql(app, query, {}, SERVICE_TOKEN))).toEqual(['FORBIDDEN']);
    }
    const csv = await request(app.getHttpServer())
      .get('/v1/exports/usage.csv?preset=LAST_1_DAY')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`);
    expect(csv.status).toBe(403);
  });

  it('medium 8: no stack traces, no introspection (production mode)', async () => {
    for (const token of [undefined, w.sre.token]) {
      const bad = request(app.getHttpServer()).post('/graphql').send({ query: '{ nope }' });
      const res = token ? await bad.set('Authorization', `Bearer ${token}`) : await bad;
      expect(JSON.stringify(res.body)).not.toMatch(/stacktrace|\/work\/|node_modules|\.ts:\d+/);
      const intro = request(app.getHttpServer()).post('/graphql').send({ query: '{ __schema { types { name } } }' });
      const introRes = token ? await intro.set('Authorization', `Bearer ${token}`) : await intro;
      expect(introRes.body.data?.__schema).toBeUndefined();
    }
  });

  it("low: ids outside the caller's scope are FORBIDDEN, not an empty answer", async () => {
    const summary = 'query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }';
    const range = { preset: 'LAST_1_DAY' };
    const refused = [
      [w.ownerA.token, { range, apiKeyIds: [w.b.keyIds[1]] }],
      [w.ownerA.token, { range, teamIds: [w.a.id], userIds: [w.memberB.id] }],
      [w.ownerA.token, { range, userIds: [w.memberB.id] }],
      [w.memberA.token, { range, apiKeyIds: [w.a.keyIds[0]] }],
      [w.memberA.token, { range, teamIds: [w.b.id], userIds: [w.memberA.id] }],
    ] as const;
    for (const [token, f] of refused) expect(codes(await graphql(app, summary, { f }, token))).toEqual(['FORBIDDEN']);
    const myUsage = 'query($t: ID) { myUsage(range: { preset: LAST_1_DAY }, teamId: $t) { usage { requests } } }';
    expect(codes(await graphql(app, myUsage, { t: w.b.id }, w.memberA.token))).toEqual(['FORBIDDEN']);
    // what is in scope still answers, with the usage it names
    const own = await graphql<any>(app, summary, { f: { range, apiKeyIds: [w.a.keyIds[1]] } }, w.memberA.token);
    expect(own.data.usageSummary.requests).toBe(1);
    const managed = await graphql<any>(
      app,
      summary,
      { f: { range, teamIds: [w.a.id], userIds: [w.shared.id] } },
      w.ownerA.token,
    );
    expect(managed.data.usageSummary.requests).toBe(1);
    expect((await graphql<any>(app, myUsage, { t: w.a.id }, w.memberA.token)).data.myUsage.usage.requests).toBe(1);
  });

  it('low: NUL bytes and lone surrogates are BAD_USER_INPUT and write nothing', async () => {
    const bad = ['team\u0000name', 'team\uD800name', 'x\uDC00', 'ok'.repeat(3) + '\u0000'];
    for (const name of bad) {
      const res = await graphql(
        app,
        'mutation($n: String!) { createTeam(name: $n) { id } }',
        { n: name },
        w.outsider.token,
      );
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    }
    const literal = await graphql(app, 'mutation { createTeam(name: "a\\u0000b") { id } }', {}, w.outsider.token);
    expect(codes(literal)).toEqual(['BAD_USER_INPUT']);
    const price =
      'mutation($m: String!) { setModelPrice(model: $m, effectiveFrom: "2026-01-01T00:00:00Z", inputPerMillion: "1", ' +
      'outputPerMillion: "1") { id } }';
    expect(codes(await graphql(app, price, { m: 'gpt\uD83D' }))).toEqual(['BAD_USER_INPUT']);
    const teams = await graphql<any>(app, '{ teams { id } }', {}, w.outsider.token);
    expect(teams.data.teams).toEqual([]);
  });
});
