import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { ClickHouseGateway } from '@app/clickhouse';
import { QUOTA_USE_CACHE_MS } from '@app/teams';
import { createTestUser, graphql, platformAdminToken, startStandalone, TestUser } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

type Answer = Awaited<ReturnType<typeof graphql>>;

/**
 * What the reference pages need of the team lifecycle, through GraphQL and /v1/keys/verify on the real
 * service: invitees, suspending and resuming keys, keys issued for seated members, renewing plans,
 * deleting quotas, team-wide quotas and the use of every quota.
 */
describe('team lifecycle for the reference pages', () => {
  let config: AppConfig;
  let app: INestApplication;
  let postgres: DataSource;

  beforeAll(async () => {
    config = isolatedConfig('teams_lifecycle_api');
    app = await startStandalone(config);
    postgres = app.get<DataSource>(getDataSourceToken());
  });
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  async function ok<T = Record<string, any>>(query: string, variables: Record<string, unknown>, user: TestUser) {
    const res = await graphql<T>(app, query, variables, user.token);
    if (res.errors) throw new Error(`${query}: ${JSON.stringify(res.errors)}`);
    return res.data!;
  }

  const refusal = (res: Answer) => ({ code: res.errors?.[0]?.extensions?.code, message: res.errors?.[0]?.message });

  const verify = async (secret: string) =>
    (
      await request(app.getHttpServer())
        .post('/v1/keys/verify')
        .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
        .send({ key: secret })
        .expect(200)
    ).body as { valid: boolean; reason: string; userId: string; quota: { limit: number; used: number } | null };

  const usernameOf = async (user: TestUser) => (await ok('{ me { username } }', {}, user)).me.username as string;

  /** A team of `owner` with the others as members in the given roles. */
  async function team(owner: TestUser, members: Array<[TestUser, 'ADMIN' | 'MEMBER']>): Promise<string> {
    const { id } = (await ok(`mutation($n: String!) { createTeam(name: $n) { id } }`, { n: `t${Date.now()}` }, owner))
      .createTeam;
    for (const [user, role] of members) {
      const invite = `mutation($t: ID!, $u: String!, $r: TeamRole!) { inviteMember(teamId: $t, usernameOrEmail: $u,
        role: $r) { token } }`;
      const { token } = (await ok(invite, { t: id, u: await usernameOf(user), r: role }, owner)).inviteMember;
      await ok('mutation($k: String!) { acceptInvitation(token: $k) { role } }', { k: token }, user);
    }
    return id as string;
  }

  async function plan(teamId: string, owner: TestUser, seats: number, holders: TestUser[]): Promise<string> {
    const create = `mutation($t: ID!, $e: DateTime!, $s: Int!) { createPlan(teamId: $t, name: "Pro", seats: $s,
      endsAt: $e) { id } }`;
    const { id } = (await ok(create, { t: teamId, e: inDays(30), s: seats }, owner)).createPlan;
    for (const holder of holders) {
      await ok(
        'mutation($p: ID!, $u: ID!) { assignSeat(planId: $p, userId: $u) { id } }',
        { p: id, u: holder.id },
        owner,
      );
    }
    return id as string;
  }

  const CREATE_KEY = `mutation($t: ID, $n: String!, $for: ID) { createApiKey(teamId: $t, name: $n, forUserId: $for) {
    secret apiKey { id userId status } } }`;

  async function key(teamId: string, by: TestUser, forUser?: TestUser): Promise<{ id: string; secret: string }> {
    const created = (await ok(CREATE_KEY, { t: teamId, n: 'k', for: forUser?.id }, by)).createApiKey;
    return { id: created.apiKey.id, secret: created.secret };
  }

  const eventTypes = async (teamId: string) =>
    (
      await postgres.query<Array<{ type: string; actor_id: string; payload: Record<string, unknown> }>>(
        'SELECT type, actor_id, payload FROM team_events WHERE team_id = $1 ORDER BY seq',
        [teamId],
      )
    ).map((e): Record<string, unknown> => ({ type: e.type, actor: e.actor_id, ...e.payload }));

  it("shows an invitation's invitee exactly to whoever may read the invitation", async () => {
    const owner = await createTestUser(app, 'inv_owner');
    const admin = await createTestUser(app, 'inv_admin');
    const member = await createTestUser(app, 'inv_member');
    const invitee = await createTestUser(app, 'invitee');
    const elsewhereOwner = await createTestUser(app, 'elsewhere');
    const teamId = await team(owner, [
      [admin, 'ADMIN'],
      [member, 'MEMBER'],
    ]);
    const elsewhere = await team(elsewhereOwner, [[invitee, 'MEMBER']]);
    const inviteeName = await usernameOf(invitee);
    const address = `later_${Date.now()}@example.com`;
    const invite = `mutation($t: ID!, $u: String!) { inviteMember(teamId: $t, usernameOrEmail: $u, role: MEMBER) {
      id } }`;
    await ok(invite, { t: teamId, u: inviteeName }, owner);
    await ok(invite, { t: teamId, u: address }, admin);

    const INVITEES = `query($t: ID!) { team(id: $t) { invitations { invitee { id username memberships { team { id } }
      } } } }`;
    const invitees = async (viewer: TestUser) =>
      (await ok(INVITEES, { t: teamId }, viewer)).team.invitations.map(
        (i: { invitee: { username: string; memberships: unknown[] } | null }) => i.invitee,
      );
    // newest first: the address has no account yet; the invitee shares no team with the viewers, and what
    // of them is another team's (their membership there) stays hidden; the accepted ones are the members
    const inTeam = { memberships: [{ team: { id: teamId } }] };
    for (const viewer of [owner, admin]) {
      expect(await invitees(viewer)).toEqual([
        null,
        { id: invitee.id, username: inviteeName, memberships: [] },
        { id: member.id, username: await usernameOf(member), ...inTeam },
        { id: admin.id, username: await usernameOf(admin), ...inTeam },
      ]);
    }
    expect(await invitees(member)).toEqual([]);
    expect(refusal(await graphql(app, INVITEES, { t: teamId }, invitee.token)).code).toBe('FORBIDDEN');
    expect((await ok('query($t: ID!) { team(id: $t) { id } }', { t: elsewhere }, invitee)).team.id).toBe(elsewhere);

    // the address becomes an account: that account is the invitee
    const created = (
      await ok(
        'mutation($u: String!, $e: String!) { createUser(username: $u, email: $e) { user { id } } }',
        { u: `later_${Date.now().toString(36)}`, e: address.toUpperCase() },
        { id: '', token: await platformAdminToken(app) },
      )
    ).createUser.user;
    expect((await invitees(owner))[0]).toMatchObject({ id: created.id });
  });

  it('suspends and resumes keys under the rules of revoking, and a revoked key stays revoked', async () => {
    const owner = await createTestUser(app, 'sus_owner');
    const holder = await createTestUser(app, 'sus_holder');
    const other = await createTestUser(app, 'sus_other');
    const teamId = await team(owner, [
      [holder, 'MEMBER'],
      [other, 'MEMBER'],
    ]);
    const k = await key(teamId, holder);
    const SUSPEND = 'mutation($k: ID!) { suspendApiKey(apiKeyId: $k) { id status suspendedAt } }';
    const RESUME = 'mutation($k: ID!) { resumeApiKey(apiKeyId: $k) { id status suspendedAt } }';
    expect(await verify(k.secret)).toMatchObject({ valid: true, reason: 'ok' });

    const before = Date.now();
    const suspended = (await ok(SUSPEND, { k: k.id }, holder)).suspendApiKey;
    expect(suspended.status).toBe('SUSPENDED');
    expect(new Date(suspended.suspendedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await verify(k.secret)).toMatchObject({ valid: false, reason: 'suspended' });
    expect((await ok(SUSPEND, { k: k.id }, holder)).suspendApiKey.status).toBe('SUSPENDED'); // twice: harmless
    expect((await ok(RESUME, { k: k.id }, holder)).resumeApiKey).toEqual({
      id: k.id,
      status: 'ACTIVE',
      suspendedAt: null,
    });
    expect(await verify(k.secret)).toMatchObject({ valid: true, reason: 'ok' });

    // another Member may neither suspend nor resume it; what the Owner suspended only an Owner or Admin resumes
    expect(refusal(await graphql(app, SUSPEND, { k: k.id }, other.token))).toEqual({
      code: 'FORBIDDEN',
      message: "suspending another member's key needs the role OWNER or ADMIN; you are MEMBER",
    });
    await ok(SUSPEND, { k: k.id }, owner);
    expect(refusal(await graphql(app, RESUME, { k: k.id }, holder.token))).toEqual({
      code: 'FORBIDDEN',
      message: 'resuming a key an Owner or Admin suspended needs the role OWNER or ADMIN; you are MEMBER',
    });
    expect(await verify(k.secret)).toMatchObject({ valid: false, reason: 'suspended' });
    await ok(RESUME, { k: k.id }, owner);
    expect(await verify(k.secret)).toMatchObject({ valid: true });

    // revoked while suspended: for good
    await ok(SUSPEND, { k: k.id }, holder);
    await ok('mutation($k: ID!) { revokeApiKey(apiKeyId: $k) { status } }', { k: k.id }, holder);
    const revokedMessage = 'the key is revoked for good: a revoked key cannot be suspended or resumed';
    for (const [mutation, user] of [
      [RESUME, owner],
      [SUSPEND, holder],
    ] as const) {
      expect(refusal(await graphql(app, mutation, { k: k.id }, user.token))).toEqual({
        code: 'CONFLICT',
        message: revokedMessage,
      });
    }
    expect(await verify(k.secret)).toMatchObject({ valid: false, reason: 'revoked' });
    const keys = (
      await ok('query($t: ID!) { team(id: $t) { apiKeys { id status suspendedAt } } }', { t: teamId }, owner)
    ).team.apiKeys;
    expect(keys).toEqual([{ id: k.id, status: 'REVOKED', suspendedAt: null }]);

    // recorded like the other key events: who did it, in order; the refused ones left nothing
    const keyEvents = (await eventTypes(teamId)).filter((e) => String(e.type).startsWith('ApiKey'));
    expect(keyEvents.map((e) => [e.type, e.actor])).toEqual([
      ['ApiKeyCreated', holder.id],
      ['ApiKeySuspended', holder.id],
      ['ApiKeyResumed', holder.id],
      ['ApiKeySuspended', owner.id],
      ['ApiKeyResumed', owner.id],
      ['ApiKeySuspended', holder.id],
      ['ApiKeyRevoked', holder.id],
    ]);
    expect(keyEvents.every((e) => e.apiKeyId === k.id)).toBe(true);
  });

  it('lets an Owner or Admin issue a key for a seated member, refusing the others with the rule', async () => {
    const owner = await createTestUser(app, 'for_owner');
    const admin = await createTestUser(app, 'for_admin');
    const seated = await createTestUser(app, 'for_seated');
    const unseated = await createTestUser(app, 'for_unseated');
    const outsider = await createTestUser(app, 'for_outsider');
    const teamId = await team(owner, [
      [admin, 'ADMIN'],
      [seated, 'MEMBER'],
      [unseated, 'MEMBER'],
    ]);
    await plan(teamId, owner, 3, [seated]);

    const issued = (await ok(CREATE_KEY, { t: teamId, n: 'for seat', for: seated.id }, admin)).createApiKey;
    expect(issued.apiKey).toMatchObject({ userId: seated.id, status: 'ACTIVE' });
    expect(await verify(issued.secret)).toMatchObject({ valid: true, reason: 'ok', userId: seated.id });
    // the key is the member's: they see it among their keys and may revoke it themselves
    const mine = (await ok('query($t: ID!) { team(id: $t) { apiKeys { id userId } } }', { t: teamId }, seated)).team;
    expect(mine.apiKeys).toEqual([{ id: issued.apiKey.id, userId: seated.id }]);

    const refused = async (by: TestUser, forUser: TestUser) =>
      refusal(await graphql(app, CREATE_KEY, { t: teamId, n: 'x', for: forUser.id }, by.token));
    expect(await refused(owner, outsider)).toEqual({
      code: 'NOT_FOUND',
      message: 'that user is not a member of the team',
    });
    expect(await refused(owner, unseated)).toEqual({
      code: 'CONFLICT',
      message: 'the member holds no seat in the team; assign one before issuing a key',
    });
    expect(await refused(seated, unseated)).toEqual({
      code: 'FORBIDDEN',
      message: 'issuing a key for another member needs the role OWNER or ADMIN; you are MEMBER',
    });
    expect(refusal(await graphql(app, CREATE_KEY, { n: 'x', for: seated.id }, owner.token)).code).toBe(
      'BAD_USER_INPUT',
    );
    const [{ count }] = await postgres.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM api_keys WHERE team_id = $1 OR user_id = ANY($2::uuid[])',
      [teamId, [outsider.id, unseated.id]],
    );
    expect(count).toBe(1);
    expect((await eventTypes(teamId)).filter((e) => e.type === 'ApiKeyCreated')).toEqual([
      {
        type: 'ApiKeyCreated',
        actor: admin.id,
        apiKeyId: issued.apiKey.id,
        userId: seated.id,
        name: 'for seat',
        test: false,
      },
    ]);
  });

  it('renews a plan: a new end in the future, seats not below those held, its members working again', async () => {
    const owner = await createTestUser(app, 'ren_owner');
    const member = await createTestUser(app, 'ren_member');
    const teamId = await team(owner, [[member, 'MEMBER']]);
    const planId = await plan(teamId, owner, 3, [owner, member]);
    const k = await key(teamId, member);
    // the plan ran out (as time would have it)
    await postgres.query(`UPDATE plans SET ends_at = now() - interval '1 hour' WHERE id = $1`, [planId]);
    expect(await verify(k.secret)).toMatchObject({ valid: false, reason: 'seat_expired' });

    const RENEW = `mutation($p: ID!, $e: DateTime!, $s: Int) { renewPlan(planId: $p, endsAt: $e, seats: $s) { id seats
      endsAt assigned unassigned expired seatList { status user { id } } } }`;
    expect(refusal(await graphql(app, RENEW, { p: planId, e: inDays(30), s: 1 }, owner.token))).toEqual({
      code: 'CONFLICT',
      message: '2 seats of the plan are assigned; reclaim seats before renewing with 1',
    });
    expect(refusal(await graphql(app, RENEW, { p: planId, e: inDays(-1) }, owner.token)).code).toBe('BAD_USER_INPUT');
    expect(refusal(await graphql(app, RENEW, { p: planId, e: inDays(30) }, member.token))).toEqual({
      code: 'FORBIDDEN',
      message: 'renewing plans needs the role OWNER or ADMIN; you are MEMBER',
    });
    expect(await verify(k.secret)).toMatchObject({ reason: 'seat_expired' }); // the refusals changed nothing

    const endsAt = inDays(60);
    const grown = (await ok(RENEW, { p: planId, e: endsAt, s: 5 }, owner)).renewPlan;
    expect(grown).toMatchObject({ seats: 5, endsAt, assigned: 2, unassigned: 3, expired: 0 });
    expect(grown.seatList).toHaveLength(5);
    expect(await verify(k.secret)).toMatchObject({ valid: true, reason: 'ok' });
    const shrunk = (await ok(RENEW, { p: planId, e: endsAt, s: 2 }, owner)).renewPlan;
    expect(shrunk).toMatchObject({ seats: 2, assigned: 2, unassigned: 0 });
    expect(shrunk.seatList.map((s: { user: { id: string } }) => s.user.id).sort()).toEqual(
      [owner.id, member.id].sort(),
    );
    const kept = (await ok(RENEW, { p: planId, e: endsAt }, owner)).renewPlan;
    expect(kept.seats).toBe(2);
    expect((await eventTypes(teamId)).filter((e) => e.type === 'PlanRenewed').map((e) => e.seats)).toEqual([5, 2, 2]);
  });

  it('enforces a team-wide quota on every key of the team; shows each quota with its use; deletes', async () => {
    const owner = await createTestUser(app, 'q_owner');
    const admin = await createTestUser(app, 'q_admin');
    const member = await createTestUser(app, 'q_member');
    const teamId = await team(owner, [
      [admin, 'ADMIN'],
      [member, 'MEMBER'],
    ]);
    const otherTeam = await team(owner, [[member, 'MEMBER']]);
    const memberKey = await key(teamId, member);
    const adminKey = await key(teamId, admin);
    const otherKey = await key(otherTeam, member);
    const now = new Date().toISOString();
    const events = [
      makeEvent({ team_id: teamId, user_id: member.id, api_key_id: memberKey.id, occurred_at: now }),
      makeEvent({ team_id: teamId, user_id: member.id, api_key_id: memberKey.id, occurred_at: now }),
      makeEvent({ team_id: teamId, user_id: admin.id, api_key_id: adminKey.id, occurred_at: now }),
      makeEvent({ team_id: otherTeam, user_id: member.id, api_key_id: otherKey.id, occurred_at: now }),
    ];
    const tokens = (es: typeof events) => es.reduce((s, e) => s + e.input_tokens + e.output_tokens, 0);
    const [memberTokens, adminTokens, teamTokens] = [
      tokens(events.slice(0, 2)),
      tokens(events.slice(2, 3)),
      tokens(events.slice(0, 3)),
    ];
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(events)
      .expect(202);

    const SET = `mutation($t: ID!, $u: ID, $k: ID, $l: Float!) { setQuota(teamId: $t, userId: $u, apiKeyId: $k,
      unit: "tokens", period: "day", limit: $l) { id userId apiKeyId } }`;
    const teamWide = (await ok(SET, { t: teamId, l: teamTokens + 1 }, admin)).setQuota;
    expect(teamWide).toMatchObject({ userId: null, apiKeyId: null });
    // setting it again changes the one team-wide quota
    expect((await ok(SET, { t: teamId, l: teamTokens - 1 }, owner)).setQuota.id).toBe(teamWide.id);
    const onMember = (await ok(SET, { t: teamId, u: member.id, l: 1e9 }, owner)).setQuota;
    const onAdminKey = (await ok(SET, { t: teamId, k: adminKey.id, l: 1e9 }, owner)).setQuota;
    const onOtherTeam = (await ok(SET, { t: otherTeam, l: 1e9 }, owner)).setQuota;
    expect(refusal(await graphql(app, SET, { t: teamId, u: member.id, k: adminKey.id, l: 1 }, owner.token))).toEqual({
      code: 'CONFLICT',
      message: 'a quota is set for a member (userId), a key (apiKeyId) or, with neither, the whole team',
    });
    expect(refusal(await graphql(app, SET, { t: teamId, l: 1 }, member.token)).code).toBe('FORBIDDEN');

    // every key of the team is over the team's quota; the other team's key is not
    for (const k of [memberKey, adminKey]) {
      const answer = await waitFor(
        'the team-wide quota to be reached',
        () => verify(k.secret),
        (r) => r.reason === 'over_quota',
        30_000,
      );
      expect(answer).toMatchObject({ valid: false, quota: { limit: teamTokens - 1, used: teamTokens } });
    }
    expect(await verify(otherKey.secret)).toMatchObject({ valid: true, reason: 'ok' });

    // every quota with its use, to the Owner and Admins; a member sees only their own
    const QUOTAS = `{ teams { id quotas { id userId apiKeyId limit used remaining } } }`;
    const quotasOf = async (viewer: TestUser) => {
      const teams = (await ok(QUOTAS, {}, viewer)).teams as Array<{ id: string; quotas: Array<{ id: string }> }>;
      return teams.flatMap((t) => t.quotas).sort((a, b) => a.id.localeCompare(b.id));
    };
    const byId = (...quotas: Array<{ id: string }>) => quotas.sort((a, b) => a.id.localeCompare(b.id));
    const everything = byId(
      { ...teamWide, limit: teamTokens - 1, used: teamTokens, remaining: -1 },
      { ...onMember, limit: 1e9, used: memberTokens, remaining: 1e9 - memberTokens },
      { ...onAdminKey, limit: 1e9, used: adminTokens, remaining: 1e9 - adminTokens },
      { ...onOtherTeam, limit: 1e9, used: tokens(events.slice(3)), remaining: 1e9 - tokens(events.slice(3)) },
    );
    // a read of several teams' quotas costs one engine read, whatever the number of quotas
    await new Promise((r) => setTimeout(r, QUOTA_USE_CACHE_MS + 100));
    const engine = jest.spyOn(app.get(ClickHouseGateway), 'query');
    try {
      expect(await quotasOf(owner)).toEqual(everything);
      expect(engine.mock.calls.filter(([sql]) => /usage_key_1h/.test(sql))).toHaveLength(1);
    } finally {
      engine.mockRestore();
    }
    expect(await quotasOf(admin)).toEqual(everything.filter((q) => q.id !== onOtherTeam.id));
    expect(await quotasOf(member)).toEqual(
      byId({ ...onMember, limit: 1e9, used: memberTokens, remaining: 1e9 - memberTokens }),
    );

    // deleting: Owners and Admins, once; the team's keys work again without the team-wide quota
    const DELETE = 'mutation($q: ID!) { deleteQuota(quotaId: $q) }';
    expect(refusal(await graphql(app, DELETE, { q: teamWide.id }, member.token))).toEqual({
      code: 'FORBIDDEN',
      message: 'deleting quotas needs the role OWNER or ADMIN; you are MEMBER',
    });
    expect((await ok(DELETE, { q: teamWide.id }, admin)).deleteQuota).toBe(true);
    expect(refusal(await graphql(app, DELETE, { q: teamWide.id }, admin.token)).code).toBe('NOT_FOUND');
    expect((await quotasOf(admin)).map((q) => q.id)).toEqual(byId(onMember, onAdminKey).map((q) => q.id));
    expect(await verify(memberKey.secret)).toMatchObject({ valid: true, quota: { limit: 1e9 } });
    expect((await eventTypes(teamId)).filter((e) => String(e.type).startsWith('Quota')).map((e) => e.type)).toEqual([
      'QuotaSet',
      'QuotaSet',
      'QuotaSet',
      'QuotaSet',
      'QuotaDeleted',
    ]);
  });
});
