import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestUser, graphql, TestUser } from '../harness/app';
import { makeEvent } from '../harness/events';
import { SERVICE_TOKEN, waitFor } from '../harness/test-env';

export interface TeamWorld {
  id: string;
  name: string;
  planId: string;
  seatIds: string[];
  keyIds: string[];
  keyNames: string[];
  keyPrefixes: string[];
  invitationIds: string[];
  quotaIds: string[];
  /** a quota on the whole team: its OWNER and ADMINs (and platform staff) read it, its plain members do not */
  teamQuotaId: string;
}

/** Two teams A and B that share one member, with plans, seats, keys, quotas, invitations and usage. */
export interface TwoTeams {
  a: TeamWorld;
  b: TeamWorld;
  ownerA: TestUser;
  memberA: TestUser;
  shared: TestUser;
  ownerB: TestUser;
  memberB: TestUser;
  finance: TestUser;
  sre: TestUser;
  outsider: TestUser;
  users: Record<string, { username: string; email: string }>;
}

async function ok<T = Record<string, any>>(
  app: INestApplication,
  query: string,
  variables: object,
  token: string,
): Promise<T> {
  const res = await graphql<T>(app, query, variables as Record<string, unknown>, token);
  if (res.errors) throw new Error(`${query}: ${JSON.stringify(res.errors)}`);
  return res.data!;
}

async function userNames(app: INestApplication, user: TestUser) {
  const { me } = await ok(app, '{ me { username email } }', {}, user.token);
  return me as { username: string; email: string };
}

async function buildTeam(
  app: INestApplication,
  label: string,
  owner: TestUser,
  members: Array<[TestUser, 'ADMIN' | 'MEMBER']>,
) {
  const name = `${label} ${Date.now().toString(36)}`;
  const team = (await ok(app, 'mutation($n: String!) { createTeam(name: $n) { id } }', { n: name }, owner.token))
    .createTeam;
  for (const [user, role] of members) {
    const { username } = await userNames(app, user);
    const invite = `mutation($t: ID!, $u: String!, $r: TeamRole!) { inviteMember(teamId: $t, usernameOrEmail: $u,
      role: $r) { token } }`;
    const { token } = (await ok(app, invite, { t: team.id, u: username, r: role }, owner.token)).inviteMember;
    await ok(app, 'mutation($k: String!) { acceptInvitation(token: $k) { role } }', { k: token }, user.token);
  }
  const pending = `mutation($t: ID!) { inviteMember(teamId: $t, usernameOrEmail: "later-${label}@example.com", role:
    MEMBER) { id } }`;
  const invitation = (await ok(app, pending, { t: team.id }, owner.token)).inviteMember;
  const ends = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const planQuery = `mutation($t: ID!, $e: DateTime!, $n: String!) { createPlan(teamId: $t, name: $n, seats: 3,
    endsAt: $e) { id } }`;
  const plan = (await ok(app, planQuery, { t: team.id, e: ends, n: `plan of ${label}` }, owner.token)).createPlan;
  const seatIds: string[] = [];
  const keys: Array<{ id: string; name: string; prefix: string }> = [];
  const quotaIds: string[] = [];
  for (const user of [owner, ...members.map(([u]) => u)]) {
    const seatQuery = 'mutation($p: ID!, $u: ID!) { assignSeat(planId: $p, userId: $u) { id } }';
    seatIds.push((await ok(app, seatQuery, { p: plan.id, u: user.id }, owner.token)).assignSeat.id);
    const keyName = `key-${label}-${user.id.slice(0, 6)}`;
    const keyQuery =
      'mutation($t: ID, $n: String!) { createApiKey(teamId: $t, name: $n) { apiKey { id name prefix } } }';
    keys.push((await ok(app, keyQuery, { t: team.id, n: keyName }, user.token)).createApiKey.apiKey);
    const quota = `mutation($t: ID!, $u: ID!) { setQuota(teamId: $t, userId: $u, unit: "tokens", period: "day", limit:
      5000) { id } }`;
    quotaIds.push((await ok(app, quota, { t: team.id, u: user.id }, owner.token)).setQuota.id);
  }
  const teamQuota = `mutation($t: ID!) { setQuota(teamId: $t, unit: "credits", period: "month", limit: 900) { id } }`;
  const teamQuotaId = (await ok(app, teamQuota, { t: team.id }, owner.token)).setQuota.id as string;
  return {
    id: team.id as string,
    name,
    planId: plan.id as string,
    seatIds,
    keyIds: keys.map((k) => k.id),
    keyNames: keys.map((k) => k.name),
    keyPrefixes: keys.map((k) => k.prefix),
    invitationIds: [invitation.id as string],
    quotaIds,
    teamQuotaId,
  };
}

export async function buildTwoTeams(app: INestApplication): Promise<TwoTeams> {
  const people = {
    ownerA: await createTestUser(app, 'owner_a'),
    memberA: await createTestUser(app, 'member_a'),
    shared: await createTestUser(app, 'shared'),
    ownerB: await createTestUser(app, 'owner_b'),
    memberB: await createTestUser(app, 'member_b'),
    finance: await createTestUser(app, 'finance', ['FINANCE']),
    sre: await createTestUser(app, 'sre', ['SRE']),
    outsider: await createTestUser(app, 'outsider'),
  };
  const a = await buildTeam(app, 'alpha', people.ownerA, [
    [people.memberA, 'MEMBER'],
    [people.shared, 'MEMBER'],
  ]);
  const b = await buildTeam(app, 'bravo', people.ownerB, [
    [people.memberB, 'MEMBER'],
    [people.shared, 'ADMIN'],
  ]);
  const users: TwoTeams['users'] = {};
  for (const [label, user] of Object.entries(people)) users[label] = await userNames(app, user);

  // usage of both teams, by each member through their own key
  const events = [a, b].flatMap((team) =>
    team.keyIds.map((keyId, i) => {
      const owners =
        team === a ? [people.ownerA, people.memberA, people.shared] : [people.ownerB, people.memberB, people.shared];
      return makeEvent({
        team_id: team.id,
        user_id: owners[i].id,
        api_key_id: keyId,
        service: `svc-${team === a ? 'a' : 'b'}`,
      });
    }),
  );
  await request(app.getHttpServer())
    .post('/v1/events')
    .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
    .send(events)
    .expect(202);
  const filter = { range: { preset: 'LAST_1_DAY' }, teamIds: [a.id, b.id] };
  const summary = '{ usageSummary(filter: $f) { requests } }'.replace('{ usage', 'query($f: UsageFilter!) { usage');
  await waitFor(
    'both teams usage',
    async () => (await ok(app, summary, { f: filter }, people.sre.token)).usageSummary.requests,
    (n) => n === events.length,
  );
  return { a, b, ...people, users };
}
