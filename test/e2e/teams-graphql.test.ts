import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { AppConfig } from '@app/config';
import { ClickHouseGateway } from '@app/clickhouse';
import { Bootstrap, buildCommand, CreateUserCommand } from '@app/teams';
import { graphql, startStandalone } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

const DAY = 86_400_000;

/**
 * The lifecycle through the public API: tokens, GraphQL mutations and reads, key verification, usage access,
 * audit sink.
 */
describe('teams through GraphQL and REST', () => {
  let config: AppConfig;
  let app: INestApplication;
  let adminToken: string;

  beforeAll(async () => {
    config = isolatedConfig('teams_e2e');
    app = await startStandalone(config);
    const root = buildCommand(CreateUserCommand, {
      username: 'root_admin',
      email: 'root@example.com',
      platformRoles: [],
    });
    adminToken = (await app.get(Bootstrap).execute(root)).accessToken;
  });
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  async function ok<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown>,
    token: string,
  ): Promise<T> {
    const res = await graphql<T>(app, query, variables, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  }

  async function createUser(username: string): Promise<{ id: string; token: string }> {
    const data = await ok(
      `mutation($u: String!, $e: String!) { createUser(username: $u, email: $e) { user { id username } accessToken } }`,
      { u: username, e: `${username}@example.com` },
      adminToken,
    );
    return { id: data.createUser.user.id, token: data.createUser.accessToken };
  }

  it('runs a team from creation to seats and keys, with errors carrying codes', async () => {
    const owner = await createUser('olga');
    const member = await createUser('max_1');
    const outsider = await createUser('zed');

    const forbidden = await graphql(
      app,
      `
        mutation {
          createUser(username: "nope", email: "n@example.com") {
            accessToken
          }
        }
      `,
      {},
      owner.token,
    );
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const badName = await graphql(
      app,
      `
        mutation {
          createUser(username: "9lives", email: "c@example.com") {
            accessToken
          }
        }
      `,
      {},
      adminToken,
    );
    expect(badName.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const anonymous = await graphql(
      app,
      `
        {
          me {
            id
          }
        }
      `,
      {},
      'uat_wrong',
    );
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    const team = (await ok(`mutation { createTeam(name: "Research") { id name owner { username } } }`, {}, owner.token))
      .createTeam;
    expect(team.owner.username).toBe('olga');
    const invitation = (
      await ok(
        `mutation($t: ID!) { inviteMember(teamId: $t, usernameOrEmail: "max_1", role: MEMBER) { id status token } }`,
        { t: team.id },
        owner.token,
      )
    ).inviteMember;
    expect(invitation.status).toBe('PENDING');
    await ok(
      `mutation($k: String!) { acceptInvitation(token: $k) { role user { username } team { name } } }`,
      { k: invitation.token },
      member.token,
    );

    const plan = (
      await ok(
        `mutation($t: ID!, $e: DateTime!) { createPlan(teamId: $t, name: "Pro", seats: 2, endsAt: $e) { id } }`,
        { t: team.id, e: new Date(Date.now() + 30 * DAY).toISOString() },
        owner.token,
      )
    ).createPlan;
    const seat = (
      await ok(
        `mutation($p: ID!, $u: ID!) { assignSeat(planId: $p, userId: $u) { id status user { username } } }`,
        { p: plan.id, u: member.id },
        owner.token,
      )
    ).assignSeat;
    expect(seat).toMatchObject({ status: 'ASSIGNED', user: { username: 'max_1' } });
    const key = (
      await ok(
        `mutation($t: ID) { createApiKey(teamId: $t, name: "laptop") { secret apiKey { id prefix last4 status } } }`,
        { t: team.id },
        member.token,
      )
    ).createApiKey;
    expect(key.secret.endsWith(key.apiKey.last4)).toBe(true);

    const view = (
      await ok(
        `query($t: ID!) { team(id: $t) { name members { role user { username } } plans { seats assigned unassigned
          expired seatList { status } } apiKeys { name status } } }`,
        { t: team.id },
        owner.token,
      )
    ).team;
    expect(view.members).toEqual([
      { role: 'OWNER', user: { username: 'olga' } },
      { role: 'MEMBER', user: { username: 'max_1' } },
    ]);
    expect(view.plans[0]).toMatchObject({ seats: 2, assigned: 1, unassigned: 1, expired: 0 });

    const outsiderView = await graphql(
      app,
      `
        query ($t: ID!) {
          team(id: $t) {
            name
          }
        }
      `,
      { t: team.id },
      outsider.token,
    );
    expect(outsiderView.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const memberInvites = await graphql(
      app,
      `
        mutation ($t: ID!) {
          inviteMember(teamId: $t, usernameOrEmail: "zed", role: MEMBER) {
            id
          }
        }
      `,
      { t: team.id },
      member.token,
    );
    expect(memberInvites.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const ownerLeaves = await graphql(
      app,
      `
        mutation ($t: ID!) {
          leaveTeam(teamId: $t)
        }
      `,
      { t: team.id },
      owner.token,
    );
    expect(ownerLeaves.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: expect.stringMatching(/transfer ownership/),
    });
    const malformed = await graphql(
      app,
      `
        mutation {
          removeMember(teamId: "not-a-uuid", userId: "x")
        }
      `,
      {},
      owner.token,
    );
    expect(malformed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const verify = (secret: string) =>
      request(app.getHttpServer())
        .post('/v1/keys/verify')
        .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
        .send({ key: secret });
    expect((await verify(key.secret)).body).toMatchObject({
      valid: true,
      reason: 'ok',
      teamId: team.id,
      userId: member.id,
      apiKeyId: key.apiKey.id,
    });
    await ok(`mutation($s: ID!) { reclaimSeat(seatId: $s) { status } }`, { s: seat.id }, owner.token);
    expect((await verify(key.secret)).body).toMatchObject({ valid: false, reason: 'seat_reclaimed' });
    expect(
      (
        await request(app.getHttpServer())
          .post('/v1/keys/verify')
          .set('Authorization', `Bearer ${member.token}`)
          .send({ key: key.secret })
      ).status,
    ).toBe(403);

    // usage access: a member sees only their own usage, never another team's
    const now = new Date().toISOString();
    const events = [
      makeEvent({ team_id: team.id, user_id: member.id, occurred_at: now }),
      makeEvent({ team_id: team.id, user_id: owner.id, occurred_at: now }),
    ];
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(events)
      .expect(202);
    const summary = `query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }`;
    const teamFilter = { range: { preset: 'LAST_1_DAY' }, teamIds: [team.id] };
    await waitFor(
      'both events',
      async () => (await ok(summary, { f: teamFilter }, owner.token)).usageSummary.requests,
      (n) => n === 2,
    );
    expect((await ok(summary, { f: { range: { preset: 'LAST_1_DAY' } } }, member.token)).usageSummary.requests).toBe(1);
    const peek = await graphql(app, summary, { f: teamFilter }, member.token);
    expect(peek.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const logs = await graphql(
      app,
      `
        query ($f: UsageFilter!) {
          callLogs(filter: $f) {
            totalCount
          }
        }
      `,
      { f: teamFilter },
      outsider.token,
    );
    expect(logs.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // the personal view: own usage against own quotas
    await ok(
      `mutation($t: ID!, $u: ID!) { setQuota(teamId: $t, userId: $u, unit: "tokens", period: "day", limit: 1000000) {
        id } }`,
      { t: team.id, u: member.id },
      owner.token,
    );
    const mine = (
      await ok(
        `query($t: ID) { myUsage(range: { preset: TODAY }, teamId: $t) { usage { requests inputTokens outputTokens }
          quotas { used remaining percentUsed quota { unit period limit } } } }`,
        { t: team.id },
        member.token,
      )
    ).myUsage;
    const tokens = events[0].input_tokens + events[0].output_tokens;
    expect(mine.usage).toEqual({
      requests: 1,
      inputTokens: events[0].input_tokens,
      outputTokens: events[0].output_tokens,
    });
    expect(mine.quotas).toEqual([
      {
        used: tokens,
        remaining: 1_000_000 - tokens,
        percentUsed: tokens / 10_000,
        quota: { unit: 'TOKENS', period: 'DAY', limit: 1_000_000 },
      },
    ]);

    // the audit trail reaches ClickHouse through the outbox and team-events.v1
    const ch = await ClickHouseGateway.connect(config.clickhouse);
    try {
      const types = await waitFor(
        'team events in membership_events',
        async () =>
          (
            await ch.query<{ type: string }>(
              'SELECT type FROM membership_events FINAL WHERE team_id = {t:UUID} ORDER BY seq',
              { params: { t: team.id } },
            )
          ).map((r) => r.type),
        (t) => t.length >= 8,
        30_000,
      );
      expect(types).toEqual([
        'TeamCreated',
        'MemberInvited',
        'InvitationAccepted',
        'PlanCreated',
        'SeatAssigned',
        'ApiKeyCreated',
        'SeatReclaimed',
        'QuotaSet',
      ]);
    } finally {
      await ch.close();
    }
  });
});
