import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { ClickHouseGateway } from '@app/clickhouse';
import {
  KeyBudgets,
  KeyStateCache,
  KeyStateChanges,
  KeyVerificationService,
  QuotaUseReader,
  UsageTally,
  VerifyResult,
} from '@app/teams';
import { createTestUser, graphql, startStandalone, TestUser } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

const DAY = 86_400_000;

/**
 * Key verification answers from memory (issue 19): a revocation or a reclaimed seat, committed
 * through GraphQL, is refused by this process at once and by another API process (a second
 * KeyStateCache on the same Postgres, which learns it only from the key_state notification)
 * within 100 ms; quota use is counted from the ingest stream between the rollup reads.
 */
describe('key verification from memory', () => {
  let config: AppConfig;
  let app: INestApplication;
  let other: KeyStateCache;
  let otherVerify: KeyVerificationService;
  let owner: TestUser;
  let member: TestUser;
  let teamId: string;
  let plan: string;

  beforeAll(async () => {
    config = isolatedConfig('key_memory_e2e');
    app = await startStandalone(config);
    other = new KeyStateCache(app.get(DataSource), config, new KeyStateChanges());
    await other.start();
    otherVerify = new KeyVerificationService(
      other,
      new UsageTally(
        // no stream here: the seeds alone
        { committed: () => Promise.resolve(null), stored: () => Promise.resolve([]) },
        { reseedMs: 30_000, idleMs: 600_000, shortSeedRetryMs: 1_000 },
      ),
      new QuotaUseReader(app.get(ClickHouseGateway)),
      new KeyBudgets(),
    );
    owner = await createTestUser(app, 'owner');
    member = await createTestUser(app, 'member');
    teamId = (await ok('mutation { createTeam(name: "memory") { id } }', {}, owner.token)).createTeam.id;
    const invitation = await ok(
      'mutation($t: ID!, $u: String!) { inviteMember(teamId: $t, usernameOrEmail: $u, role: MEMBER) { token } }',
      { t: teamId, u: (await ok('{ me { username } }', {}, member.token)).me.username },
      owner.token,
    );
    await ok(
      'mutation($k: String!) { acceptInvitation(token: $k) { role } }',
      { k: invitation.inviteMember.token },
      member.token,
    );
  });
  afterAll(async () => {
    await other?.beforeApplicationShutdown();
    await app?.close();
    if (config) await dropDatabase(config);
  });

  async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
    const res = await graphql<Record<string, any>>(app, query, variables, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  }

  async function verifyHere(secret: string): Promise<VerifyResult> {
    return (
      await request(app.getHttpServer())
        .post('/v1/keys/verify')
        .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
        .send({ key: secret })
        .expect(200)
    ).body;
  }

  async function newKey(name: string): Promise<{ id: string; secret: string }> {
    const created = (
      await ok(
        'mutation($t: ID!, $n: String!) { createApiKey(teamId: $t, name: $n) { secret apiKey { id } } }',
        { t: teamId, n: name },
        member.token,
      )
    ).createApiKey;
    return { id: created.apiKey.id, secret: created.secret };
  }

  /**
   * Polls the other process's verification back to back while `change` runs; the time from
   * change's answer to the first answer with `reason` (0 when the first poll after it has it).
   */
  async function refusedAfter(secret: string, reason: string, change: () => Promise<unknown>): Promise<number> {
    let answeredAt = 0;
    let refusedAt = 0;
    const poller = (async () => {
      while (!refusedAt) {
        const asked = performance.now();
        const result = await otherVerify.verify(secret);
        if (result.reason === reason) refusedAt = asked;
        else if (answeredAt && performance.now() - answeredAt > 5_000) throw new Error(`still ${result.reason}`);
        await new Promise((r) => setImmediate(r));
      }
    })();
    await change();
    answeredAt = performance.now();
    // this process refuses from the very next call: the command announced its commit before answering
    expect((await verifyHere(secret)).reason).toBe(reason);
    await poller;
    return Math.max(0, refusedAt - answeredAt);
  }

  it('refuses a revoked key and a reclaimed seat within 100 ms in another process, at once in this one', async () => {
    plan = (
      await ok(
        'mutation($t: ID!, $e: DateTime!) { createPlan(teamId: $t, name: "p", seats: 2, endsAt: $e) { id } }',
        { t: teamId, e: new Date(Date.now() + 30 * DAY).toISOString() },
        owner.token,
      )
    ).createPlan.id;
    const seat = (
      await ok(
        'mutation($p: ID!, $u: ID!) { assignSeat(planId: $p, userId: $u) { id } }',
        { p: plan, u: member.id },
        owner.token,
      )
    ).assignSeat.id;
    const revoked = await newKey('revoked');
    const reclaimed = await newKey('reclaimed');
    // a key made a moment ago in this process is known to both
    expect((await verifyHere(revoked.secret)).reason).toBe('ok');
    await waitFor(
      'the other process to know the key',
      () => otherVerify.verify(revoked.secret),
      (r) => r.valid,
      2_000,
      5,
    );

    const revocationMs = await refusedAfter(revoked.secret, 'revoked', () =>
      ok('mutation($k: ID!) { revokeApiKey(apiKeyId: $k) { id } }', { k: revoked.id }, owner.token),
    );
    expect(revocationMs).toBeLessThan(100);
    expect((await otherVerify.verify(reclaimed.secret)).reason).toBe('ok');
    const reclaimMs = await refusedAfter(reclaimed.secret, 'seat_reclaimed', () =>
      ok('mutation($s: ID!) { reclaimSeat(seatId: $s) { id } }', { s: seat }, owner.token),
    );
    expect(reclaimMs).toBeLessThan(100);
    // the answer's shape is the gateway's contract
    expect(await verifyHere(reclaimed.secret)).toEqual({
      valid: false,
      reason: 'seat_reclaimed',
      teamId,
      userId: member.id,
      apiKeyId: reclaimed.id,
      quota: null,
      budget: null,
    });
  });

  it('refuses a suspended key, and accepts it once resumed, within 100 ms in another process', async () => {
    // the member's seat was reclaimed above: a seat again, and a key
    await ok(
      'mutation($p: ID!, $u: ID!) { assignSeat(planId: $p, userId: $u) { id } }',
      { p: plan, u: member.id },
      owner.token,
    );
    const key = await newKey('suspended');
    await waitFor(
      'the other process to know the key',
      () => otherVerify.verify(key.secret),
      (r) => r.valid,
      2_000,
      5,
    );
    const suspensionMs = await refusedAfter(key.secret, 'suspended', () =>
      ok('mutation($k: ID!) { suspendApiKey(apiKeyId: $k) { id } }', { k: key.id }, owner.token),
    );
    expect(suspensionMs).toBeLessThan(100);
    expect(await verifyHere(key.secret)).toEqual({
      valid: false,
      reason: 'suspended',
      teamId,
      userId: member.id,
      apiKeyId: key.id,
      quota: null,
      budget: null,
    });
    const resumeMs = await refusedAfter(key.secret, 'ok', () =>
      ok('mutation($k: ID!) { resumeApiKey(apiKeyId: $k) { id } }', { k: key.id }, owner.token),
    );
    expect(resumeMs).toBeLessThan(100);
  });

  it('answers bad bodies on the fast path exactly as the framework path does', async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      request(app.getHttpServer())
        .post('/v1/keys/verify')
        .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
        .set('Content-Type', 'application/json')
        .set(headers)
        .send(body);
    // bodies over 1 KiB go the framework's way (KeysController behind Express's parser)
    const padding = ' '.repeat(2_000);
    for (const body of ['{"key": "short"}', '{"key": 12345678}', 'null', '"sk_0123456789"', '[]', '{"key": ']) {
      const fast = await post(body);
      const framework = await post(`${body}${padding}`);
      expect([body, fast.status, fast.body]).toEqual([body, framework.status, framework.body]);
      expect(fast.status).toBe(400);
      expect(fast.headers['x-request-id']).toBeDefined();
    }
    expect((await post('{"key": "sk_not_a_real_key_at_all"}')).body).toMatchObject({ valid: false, reason: 'unknown' });
  });

  it('counts quota use from the ingest stream between rollup reads, each call once', async () => {
    const key = await newKey('quota');
    await ok(
      'mutation($t: ID!, $k: ID!) { setQuota(teamId: $t, apiKeyId: $k, unit: "TOKENS", period: "DAY", limit: 1000000) { id } }',
      { t: teamId, k: key.id },
      owner.token,
    );
    // the first verify seeds the tally from the rollup: nothing used yet
    const seeded = await verifyHere(key.secret);
    expect(seeded.quota).toMatchObject({ used: 0, limit: 1_000_000 });
    const seededAt = Date.now();
    const events = Array.from({ length: 5 }, () =>
      makeEvent({ team_id: teamId, user_id: member.id, api_key_id: key.id, occurred_at: new Date().toISOString() }),
    );
    const tokens = events.reduce((sum, e) => sum + e.input_tokens + e.output_tokens, 0);
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(events)
      .expect(202);
    const counted = await waitFor(
      'the stream to count the calls',
      () => verifyHere(key.secret),
      (r) => r.quota?.used === tokens,
      20_000,
      50,
    );
    // well before the tally reads the rollup again (every 30 s): the stream counted them
    expect(Date.now() - seededAt).toBeLessThan(30_000);
    expect(counted).toMatchObject({
      valid: true,
      reason: 'ok',
      quota: { used: tokens, remaining: 1_000_000 - tokens },
    });
    // once the worker has them in the rollup too, and the tally is seeded again, still counted once
    const rollup = new QuotaUseReader(app.get(ClickHouseGateway));
    const quota = { team_id: teamId, user_id: null, api_key_id: key.id, unit: 'TOKENS', period: 'DAY' };
    await waitFor(
      'the rollup to hold the calls',
      () => rollup.read(quota, Date.now()),
      (used) => used === tokens,
    );
    const reseeded = await app.get(UsageTally).use(
      'quota-check',
      {
        teamId,
        userId: null,
        apiKeyId: key.id,
        measure: 'tokens',
        from: QuotaUseReader.periodStart('DAY', Date.now()),
        to: QuotaUseReader.periodEnd('DAY', Date.now()),
      },
      () => rollup.read(quota, Date.now()),
    );
    expect(reseeded.toNumber()).toBe(tokens);
    expect((await verifyHere(key.secret)).quota?.used).toBe(tokens);
  });

  it("leaves a test key's calls out of its holder's quota, as the rollups do", async () => {
    const live = await newKey('live');
    const test = (
      await ok(
        'mutation($t: ID!) { createApiKey(teamId: $t, name: "test", test: true) { secret apiKey { id } } }',
        { t: teamId },
        member.token,
      )
    ).createApiKey;
    await ok(
      'mutation($t: ID!, $u: ID!) { setQuota(teamId: $t, userId: $u, unit: "TOKENS", period: "DAY", limit: 5000000) { id } }',
      { t: teamId, u: member.id },
      owner.token,
    );
    const before = (await verifyHere(live.secret)).quota!.used;
    const call = (apiKeyId: string) =>
      makeEvent({ team_id: teamId, user_id: member.id, api_key_id: apiKeyId, occurred_at: new Date().toISOString() });
    // one team's calls share a partition: the test key's calls, first in it, are read before the live key's
    const testCalls = Array.from({ length: 4 }, () => call(test.apiKey.id));
    const liveCalls = Array.from({ length: 3 }, () => call(live.id));
    const tokensOf = (events: typeof liveCalls) => events.reduce((sum, e) => sum + e.input_tokens + e.output_tokens, 0);
    expect(tokensOf(testCalls)).toBeGreaterThan(0);
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send([...testCalls, ...liveCalls])
      .expect(202);
    const counted = await waitFor(
      "the stream to count the live key's calls",
      () => verifyHere(live.secret),
      (r) => (r.quota?.used ?? 0) >= before + tokensOf(liveCalls),
      20_000,
      50,
    );
    expect(counted.quota!.used).toBe(before + tokensOf(liveCalls));
    // the test key answers against the same holder's quota, with the same use
    expect((await verifyHere(test.secret)).quota!.used).toBe(before + tokensOf(liveCalls));
  });
});
