import { TeamsFixture } from '../harness/teams-fixture';

const DAY = 86_400_000;

/** Racing commands on one team: the team row lock serializes them, so the rules hold whoever wins. */
describe('team lifecycle under concurrency (real Postgres)', () => {
  let f: TeamsFixture;
  beforeAll(async () => {
    f = await TeamsFixture.start('teams_concurrency');
  });
  afterAll(async () => {
    await f?.stop();
  });

  const settled = async (work: Array<Promise<unknown>>) => {
    const results = await Promise.allSettled(work);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    return { ok: results.filter((r) => r.status === 'fulfilled').length, failed };
  };

  it('10 concurrent transfers to different Admins: exactly one succeeds, exactly one Owner after', async () => {
    const { teamId, owner, members } = await f.team(Array(10).fill('ADMIN'));
    const { ok, failed } = await settled(
      members.map((admin) => f.lifecycle.transferOwnership({ teamId, toUserId: admin }, owner)),
    );
    expect(ok).toBe(1);
    expect(failed.every((r) => /needs the role OWNER/.test(String(r.reason)))).toBe(true);
    const roles = await f.roles(teamId);
    expect(Object.values(roles).filter((r) => r === 'OWNER')).toHaveLength(1);
    expect(roles[owner]).toBe('ADMIN');
  });

  it('20 concurrent seat assignments on a 5-seat plan: exactly 5 succeed', async () => {
    const { teamId, owner, members } = await f.team(Array(20).fill('MEMBER'));
    const plan = await f.lifecycle.createPlan(
      { teamId, name: 'five', seats: 5, endsAt: new Date(Date.now() + 30 * DAY) },
      owner,
    );
    const { ok, failed } = await settled(
      members.map((m) => f.lifecycle.assignSeat({ planId: plan.id, userId: m }, owner)),
    );
    expect(ok).toBe(5);
    expect(failed.every((r) => /all 5 seats/.test(String(r.reason)))).toBe(true);
    const [{ assigned, distinct }] = await f.postgres.query(
      'SELECT count(user_id)::int AS assigned, count(DISTINCT user_id)::int AS distinct FROM seats WHERE plan_id = $1',
      [plan.id],
    );
    expect({ assigned, distinct }).toEqual({ assigned: 5, distinct: 5 });
  });

  it('one invitation token accepted concurrently: one membership', async () => {
    const { teamId, owner } = await f.team();
    const invitee = await f.user();
    const inv = await f.lifecycle.inviteMember(
      { teamId, usernameOrEmail: (await f.username(invitee))!, role: 'MEMBER' },
      owner,
    );
    const { ok } = await settled(
      Array.from({ length: 8 }, () => f.lifecycle.acceptInvitation({ token: inv.token }, invitee)),
    );
    expect(ok).toBe(8); // accepting again is idempotent for the invitee
    const [{ n }] = await f.postgres.query(
      'SELECT count(*)::int AS n FROM memberships WHERE team_id = $1 AND user_id = $2',
      [teamId, invitee],
    );
    expect(n).toBe(1);
    const [{ accepted }] = await f.postgres.query(
      `SELECT count(*)::int AS accepted FROM team_events WHERE team_id = $1 AND type = 'InvitationAccepted'`,
      [teamId],
    );
    expect(accepted).toBe(1);
  });

  it('leaveTeam racing transferOwnership to the leaver: the invariants hold whichever wins', async () => {
    for (let round = 0; round < 10; round++) {
      const { teamId, owner, members } = await f.team(['ADMIN']);
      const [admin] = members;
      await settled([
        f.lifecycle.leaveTeam({ teamId }, admin),
        f.lifecycle.transferOwnership({ teamId, toUserId: admin }, owner),
      ]);
      const roles = await f.roles(teamId);
      expect(Object.values(roles).filter((r) => r === 'OWNER')).toHaveLength(1);
      // either the admin left (the owner stays alone) or became Owner first and then could not leave
      const adminLeft = Object.keys(roles).length === 1 && roles[owner] === 'OWNER';
      const transferred = Object.keys(roles).length === 2 && roles[admin] === 'OWNER' && roles[owner] === 'ADMIN';
      expect({ round, roles, valid: adminLeft || transferred }).toEqual({ round, roles, valid: true });
      const seqs = (
        await f.postgres.query('SELECT seq FROM team_events WHERE team_id = $1 ORDER BY seq', [teamId])
      ).map((r: { seq: number }) => r.seq);
      expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    }
  });
});
