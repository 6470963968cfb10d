import { rebuildAndCompare } from '@app/teams';
import { TeamsFixture } from '../harness/teams-fixture';

const DAY = 86_400_000;
const COMMANDS = 2_000;

/** The state tables are a projection of team_events: replaying the events after a random history gives them back. */
describe('rebuild from team_events', () => {
  let f: TeamsFixture;
  beforeAll(async () => {
    f = await TeamsFixture.start('teams_rebuild');
  });
  afterAll(async () => {
    await f?.stop();
  });

  it(`replays ${COMMANDS} random commands into the same state`, async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
    const people = await Promise.all(Array.from({ length: 24 }, () => f.user()));
    const teams: string[] = [];
    for (let i = 0; i < 4; i++) teams.push((await f.lifecycle.createTeam({ name: `t${i}` }, people[i])).id);
    const tokens: string[] = [];
    const outcome = { ok: 0, refused: 0 };

    for (let i = 0; i < COMMANDS; i++) {
      const teamId = pick(teams);
      const members: Array<{ user_id: string; role: string }> = await f.postgres.query(
        'SELECT user_id, role FROM memberships WHERE team_id = $1',
        [teamId],
      );
      const managers = members.filter((m) => m.role !== 'MEMBER').map((m) => m.user_id);
      // mostly members acting on members, sometimes anyone: both kinds of outcome happen
      const actor =
        random() < 0.8 && managers.length
          ? pick(random() < 0.7 ? managers : members.map((m) => m.user_id))
          : pick(people);
      const other = random() < 0.6 && members.length ? pick(members.map((m) => m.user_id)) : pick(people);
      const [plan] = await f.postgres.query('SELECT id FROM plans WHERE team_id = $1 ORDER BY random() LIMIT 1', [
        teamId,
      ]);
      const [seat] = await f.postgres.query(
        'SELECT id FROM seats WHERE team_id = $1 AND user_id IS NOT NULL ORDER BY random() LIMIT 1',
        [teamId],
      );
      const [key] = await f.postgres.query('SELECT id FROM api_keys WHERE team_id = $1 ORDER BY random() LIMIT 1', [
        teamId,
      ]);
      const [quota] = await f.postgres.query('SELECT id FROM quotas WHERE team_id = $1 ORDER BY random() LIMIT 1', [
        teamId,
      ]);
      const [invitation] = await f.postgres.query(
        `SELECT id FROM invitations WHERE team_id = $1 AND status = 'PENDING' ORDER BY random() LIMIT 1`,
        [teamId],
      );
      const commands: Array<() => Promise<unknown>> = [
        async () =>
          tokens.push(
            (
              await f.lifecycle.inviteMember(
                { teamId, usernameOrEmail: (await f.username(other))!, role: pick(['ADMIN', 'MEMBER']) },
                actor,
              )
            ).token,
          ),
        async () =>
          tokens.push(
            (
              await f.lifecycle.inviteMember(
                { teamId, usernameOrEmail: (await f.username(other))!, role: 'MEMBER' },
                actor,
              )
            ).token,
          ),
        () => f.lifecycle.acceptInvitation({ token: pick(tokens.length ? tokens : ['inv_none_at_all']) }, other),
        () => f.lifecycle.acceptInvitation({ token: pick(tokens.length ? tokens : ['inv_none_at_all']) }, actor),
        () => f.lifecycle.revokeInvitation({ invitationId: invitation?.id ?? other }, actor),
        () => f.lifecycle.changeRole({ teamId, userId: other, role: pick(['ADMIN', 'MEMBER']) }, actor),
        () => f.lifecycle.transferOwnership({ teamId, toUserId: other }, actor),
        () => f.lifecycle.leaveTeam({ teamId }, actor),
        () => f.lifecycle.removeMember({ teamId, userId: other }, actor),
        () =>
          f.lifecycle.createPlan(
            { teamId, name: `p${i}`, seats: 1 + Math.floor(random() * 4), endsAt: new Date(Date.now() + 30 * DAY) },
            actor,
          ),
        () => f.lifecycle.assignSeat({ planId: plan?.id ?? other, userId: other }, actor),
        () => f.lifecycle.reclaimSeat({ seatId: seat?.id ?? other }, actor),
        () => f.lifecycle.createApiKey({ teamId, name: `k${i}` }, actor),
        () => f.lifecycle.createApiKey({ teamId, name: `for${i}`, forUserId: other }, actor),
        () => f.lifecycle.revokeApiKey({ apiKeyId: key?.id ?? other }, actor),
        () => f.lifecycle.suspendApiKey({ apiKeyId: key?.id ?? other }, actor),
        () => f.lifecycle.resumeApiKey({ apiKeyId: key?.id ?? other }, actor),
        () =>
          f.lifecycle.renewPlan(
            { planId: plan?.id ?? other, seats: 1 + Math.floor(random() * 4), endsAt: new Date(Date.now() + 60 * DAY) },
            actor,
          ),
        () => f.lifecycle.deleteQuota({ quotaId: quota?.id ?? other }, actor),
        () =>
          f.lifecycle.setQuota(
            { teamId, unit: pick(['TOKENS', 'CREDITS']), period: pick(['DAY', 'MONTH']), limit: 1000 },
            actor,
          ),
        () =>
          f.lifecycle.setQuota(
            {
              teamId,
              userId: other,
              unit: pick(['TOKENS', 'CREDITS']),
              period: pick(['DAY', 'MONTH']),
              limit: Math.floor(random() * 1e6),
            },
            actor,
          ),
      ];
      try {
        await pick(commands)();
        outcome.ok++;
      } catch (error) {
        const code = (error as { code?: string }).code;
        expect(['FORBIDDEN', 'CONFLICT', 'NOT_FOUND']).toContain(code);
        outcome.refused++;
      }
    }
    const report = await rebuildAndCompare(f.postgres);
    process.stdout.write(
      `rebuild after ${COMMANDS} commands (${outcome.ok} applied, ${outcome.refused} refused by a rule): ` +
        `${report.events} events, ${report.differences.length} differences\n`,
    );
    expect(outcome.ok).toBeGreaterThan(300);
    expect(report.differences).toEqual([]);
    // the history holds every kind of key, plan and quota change the replay must follow
    const types = await f.postgres.query<Array<{ type: string }>>('SELECT DISTINCT type FROM team_events');
    expect(types.map((t) => t.type)).toEqual(
      expect.arrayContaining(['ApiKeySuspended', 'ApiKeyResumed', 'ApiKeyRevoked', 'PlanRenewed', 'QuotaDeleted']),
    );

    // and a deliberately corrupted projection is caught
    const [plan] = await f.postgres.query('SELECT id, seats FROM plans LIMIT 1');
    await f.postgres.query('UPDATE plans SET seats = seats + 1 WHERE id = $1', [plan.id]);
    expect((await rebuildAndCompare(f.postgres)).differences).toEqual([
      `plans ${plan.id}: live ${plan.seats + 1}, replayed ${plan.seats}`,
    ]);
  });
});
