import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { AcceptInvitation, CreateTeam, InviteMember, KeyStateCache } from '@app/teams';
import { createTestUser, graphql, platformAdminToken, startStandalone, TestUser } from '../harness/app';
import { dropDatabase, isolatedConfig } from '../harness/test-env';

const TEAMS_WITH_PEOPLE = `{ teams { id name owner { username } members { role user { username email } } } }`;

/**
 * Nested team fields load per request in batches: a list of teams with owners and members
 * costs the same number of Postgres queries for 5 teams as for 50.
 */
describe('teams with owners and members through GraphQL', () => {
  let config: AppConfig;
  let app: INestApplication;
  let postgres: DataSource;
  let owner: TestUser;
  let teamCount = 0;

  beforeAll(async () => {
    config = isolatedConfig('teams_query_count');
    app = await startStandalone(config);
    postgres = app.get<DataSource>(getDataSourceToken());
    owner = await createTestUser(app, 'owner');
  });
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  /** Teams owned by `owner`, each with two members of its own. */
  async function addTeams(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const team = await app.get(CreateTeam).execute({ name: `team ${teamCount++}` }, owner.id);
      for (const role of ['ADMIN', 'MEMBER'] as const) {
        const member = await createTestUser(app, role.toLowerCase());
        const [{ username }] = await postgres.query<Array<{ username: string }>>(
          'SELECT username FROM users WHERE id = $1',
          [member.id],
        );
        const invite = { teamId: team.id, usernameOrEmail: username, role };
        const invitation = await app.get(InviteMember).execute(invite, owner.id);
        await app.get(AcceptInvitation).execute({ token: invitation.token }, member.id);
      }
    }
  }

  /**
   * The Postgres queries one request issues. Left out: the relay's outbox polling, token bookkeeping, the
   * health probe's `SELECT 1`; and the key state's reloads after the teams just made are awaited first.
   */
  async function queriesOf(token: string): Promise<{ teams: number; queries: number }> {
    await graphql(app, '{ me { id } }', {}, token); // the token's last use is recorded once a minute: not in the count
    await app.get(KeyStateCache).caughtUp();
    const spy = jest.spyOn(postgres, 'query');
    try {
      const res = await graphql<{ teams: Array<{ members: unknown[] }> }>(app, TEAMS_WITH_PEOPLE, {}, token);
      expect(res.errors).toBeUndefined();
      const issued = spy.mock.calls.filter(([sql]) => !/\boutbox\b|last_used_at = now\(\)|^SELECT 1$/.test(sql));
      expect(res.data!.teams.every((t) => t.members.length === 3)).toBe(true);
      return { teams: res.data!.teams.length, queries: issued.length };
    } finally {
      spy.mockRestore();
    }
  }

  it('issues a constant number of queries for 5 and for 50 teams, for a platform ADMIN and for the owner', async () => {
    const admin = await platformAdminToken(app);
    await addTeams(5);
    const fewForAdmin = await queriesOf(admin);
    const fewForOwner = await queriesOf(owner.token);
    await addTeams(45);
    const manyForAdmin = await queriesOf(admin);
    const manyForOwner = await queriesOf(owner.token);
    expect([fewForAdmin.teams, manyForAdmin.teams, fewForOwner.teams, manyForOwner.teams]).toEqual([5, 50, 5, 50]);
    // authentication, the team list, owners, members, users (one batch or two: owners' and members' user ids
    // arrive in the same tick or not); the owner's view adds their own roles and whom they share a team with
    for (const { queries } of [fewForAdmin, manyForAdmin]) expect(queries).toBeGreaterThanOrEqual(5);
    for (const { queries } of [fewForAdmin, manyForAdmin]) expect(queries).toBeLessThanOrEqual(6);
    for (const { queries } of [fewForOwner, manyForOwner]) expect(queries).toBeGreaterThanOrEqual(7);
    for (const { queries } of [fewForOwner, manyForOwner]) expect(queries).toBeLessThanOrEqual(8);
  });
});
