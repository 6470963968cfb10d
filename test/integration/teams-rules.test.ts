import { BadUserInputError, ConflictError, NotFoundError } from '@app/errors';
import { ForbiddenError } from '@app/auth';
import { buildCommand, CreatePlanCommand, CreateTeamCommand, CreateUserCommand, InviteMemberCommand } from '@app/teams';
import { TeamsFixture } from '../harness/teams-fixture';

const DAY = 86_400_000;

describe('team lifecycle rules on real Postgres', () => {
  let f: TeamsFixture;
  beforeAll(async () => {
    f = await TeamsFixture.start('teams_rules');
  });
  afterAll(async () => {
    await f?.stop();
  });

  it('a new team has exactly one Owner, its creator', async () => {
    const { teamId, owner } = await f.team(['ADMIN', 'MEMBER']);
    const roles = Object.values(await f.roles(teamId));
    expect(roles.filter((r) => r === 'OWNER')).toHaveLength(1);
    expect((await f.roles(teamId))[owner]).toBe('OWNER');
  });

  it('transfers ownership only to an existing Admin; the old Owner becomes Admin in the same transaction', async () => {
    const { teamId, owner, members } = await f.team(['ADMIN', 'MEMBER']);
    const [admin, member] = members;
    await expect(f.lifecycle.transferOwnership({ teamId, toUserId: member }, owner)).rejects.toThrow(ConflictError);
    await expect(f.lifecycle.transferOwnership({ teamId, toUserId: await f.user() }, owner)).rejects.toThrow(
      ConflictError,
    );
    await expect(f.lifecycle.transferOwnership({ teamId, toUserId: owner }, admin)).rejects.toThrow(ForbiddenError);
    await f.lifecycle.transferOwnership({ teamId, toUserId: admin }, owner);
    expect(await f.roles(teamId)).toEqual({ [admin]: 'OWNER', [owner]: 'ADMIN', [member]: 'MEMBER' });
    const [event] = await f.postgres.query(
      `SELECT type, payload FROM team_events WHERE team_id = $1 ORDER BY seq DESC LIMIT 1`,
      [teamId],
    );
    expect(event).toEqual({ type: 'OwnershipTransferred', payload: { from: owner, to: admin } });
  });

  it('the Owner cannot leave before transferring; others can', async () => {
    const { teamId, owner, members } = await f.team(['MEMBER']);
    await expect(f.lifecycle.leaveTeam({ teamId }, owner)).rejects.toThrow(/transfer ownership before leaving/);
    await f.lifecycle.leaveTeam({ teamId }, members[0]);
    expect(await f.roles(teamId)).toEqual({ [owner]: 'OWNER' });
  });

  it('Admins cannot remove or demote Admins or the Owner, nor promote anyone to Admin', async () => {
    const { teamId, owner, members } = await f.team(['ADMIN', 'ADMIN', 'MEMBER']);
    const [admin, otherAdmin, member] = members;
    await expect(f.lifecycle.removeMember({ teamId, userId: otherAdmin }, admin)).rejects.toThrow(ForbiddenError);
    await expect(f.lifecycle.removeMember({ teamId, userId: owner }, admin)).rejects.toThrow(ForbiddenError);
    await expect(f.lifecycle.changeRole({ teamId, userId: otherAdmin, role: 'MEMBER' }, admin)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(f.lifecycle.changeRole({ teamId, userId: member, role: 'ADMIN' }, admin)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(f.lifecycle.changeRole({ teamId, userId: owner, role: 'MEMBER' }, admin)).rejects.toThrow(
      ConflictError,
    );
    await f.lifecycle.removeMember({ teamId, userId: member }, admin);
    await f.lifecycle.changeRole({ teamId, userId: otherAdmin, role: 'MEMBER' }, owner);
    expect(await f.roles(teamId)).toEqual({ [owner]: 'OWNER', [admin]: 'ADMIN', [otherAdmin]: 'MEMBER' });
  });

  it('Members cannot invite', async () => {
    const { teamId, members } = await f.team(['MEMBER']);
    const invitee = await f.user();
    await expect(
      f.lifecycle.inviteMember({ teamId, usernameOrEmail: (await f.username(invitee))!, role: 'MEMBER' }, members[0]),
    ).rejects.toThrow(ForbiddenError);
  });

  it('revoked or expired invitations cannot be accepted; accepting twice yields one membership', async () => {
    const { teamId, owner } = await f.team();
    const a = await f.user();
    const b = await f.user();
    const c = await f.user();
    const revoked = await f.lifecycle.inviteMember(
      { teamId, usernameOrEmail: (await f.username(a))!, role: 'MEMBER' },
      owner,
    );
    await f.lifecycle.revokeInvitation({ invitationId: revoked.id }, owner);
    await expect(f.lifecycle.acceptInvitation({ token: revoked.token }, a)).rejects.toThrow(/revoked/);

    const expired = await f.lifecycle.inviteMember(
      { teamId, usernameOrEmail: (await f.username(b))!, role: 'MEMBER' },
      owner,
    );
    await f.postgres.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      expired.id,
    ]);
    await expect(f.lifecycle.acceptInvitation({ token: expired.token }, b)).rejects.toThrow(/expired/);

    const good = await f.lifecycle.inviteMember(
      { teamId, usernameOrEmail: (await f.username(c))!, role: 'MEMBER' },
      owner,
    );
    await f.lifecycle.acceptInvitation({ token: good.token }, c);
    await f.lifecycle.acceptInvitation({ token: good.token }, c);
    expect(Object.keys(await f.roles(teamId)).sort()).toEqual([owner, c].sort());
    await expect(f.lifecycle.acceptInvitation({ token: good.token }, a)).rejects.toThrow(ForbiddenError);
  });

  it('a member holds at most one seat, and seats never exceed the plan', async () => {
    const { teamId, owner, members } = await f.team(['MEMBER', 'MEMBER']);
    const plan = await f.lifecycle.createPlan(
      { teamId, name: 'pro', seats: 2, endsAt: new Date(Date.now() + 30 * DAY) },
      owner,
    );
    const other = await f.lifecycle.createPlan(
      { teamId, name: 'extra', seats: 1, endsAt: new Date(Date.now() + 30 * DAY) },
      owner,
    );
    await f.lifecycle.assignSeat({ planId: plan.id, userId: members[0] }, owner);
    await expect(f.lifecycle.assignSeat({ planId: other.id, userId: members[0] }, owner)).rejects.toThrow(
      /already holds a seat/,
    );
    await f.lifecycle.assignSeat({ planId: plan.id, userId: members[1] }, owner);
    await expect(f.lifecycle.assignSeat({ planId: plan.id, userId: owner }, owner)).rejects.toThrow(/all 2 seats/);
  });

  it('reclaiming a seat, leaving and removal revoke the keys at once', async () => {
    const { teamId, owner, members } = await f.team(['MEMBER', 'MEMBER', 'MEMBER']);
    const plan = await f.lifecycle.createPlan(
      { teamId, name: 'pro', seats: 3, endsAt: new Date(Date.now() + 30 * DAY) },
      owner,
    );
    const keys: string[] = [];
    const seats: string[] = [];
    for (const m of members) {
      seats.push((await f.lifecycle.assignSeat({ planId: plan.id, userId: m }, owner)).id);
      keys.push((await f.lifecycle.createApiKey({ teamId, name: 'k' }, m)).secret);
    }
    for (const k of keys) expect((await f.verification.verify(k)).reason).toBe('ok');
    await f.lifecycle.reclaimSeat({ seatId: seats[0] }, owner);
    expect(await f.verification.verify(keys[0])).toMatchObject({ valid: false, reason: 'seat_reclaimed' });
    await f.lifecycle.leaveTeam({ teamId }, members[1]);
    expect(await f.verification.verify(keys[1])).toMatchObject({ valid: false, reason: 'revoked' });
    await f.lifecycle.removeMember({ teamId, userId: members[2] }, owner);
    expect(await f.verification.verify(keys[2])).toMatchObject({ valid: false, reason: 'revoked' });
    const [{ assigned }] = await f.postgres.query(
      'SELECT count(user_id)::int AS assigned FROM seats WHERE plan_id = $1',
      [plan.id],
    );
    expect(assigned).toBe(0);
  });

  it("an expired plan's keys fail verification; unknown and expired keys too", async () => {
    const { teamId, owner, members } = await f.team(['MEMBER']);
    const plan = await f.lifecycle.createPlan(
      { teamId, name: 'short', seats: 1, endsAt: new Date(Date.now() + DAY) },
      owner,
    );
    await f.lifecycle.assignSeat({ planId: plan.id, userId: members[0] }, owner);
    const { secret } = await f.lifecycle.createApiKey({ teamId, name: 'k' }, members[0]);
    expect((await f.verification.verify(secret)).valid).toBe(true);
    await f.postgres.query(`UPDATE plans SET ends_at = now() - interval '1 second' WHERE id = $1`, [plan.id]);
    expect(await f.verification.verify(secret)).toMatchObject({ valid: false, reason: 'seat_expired' });
    expect(await f.verification.verify('sk_not_a_real_key_at_all')).toMatchObject({ valid: false, reason: 'unknown' });
    const personal = await f.lifecycle.createApiKey(
      { name: 'mine', expiresAt: new Date(Date.now() + 60_000) },
      members[0],
    );
    expect((await f.verification.verify(personal.secret)).valid).toBe(true);
    await f.postgres.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      personal.key.id,
    ]);
    expect(await f.verification.verify(personal.secret)).toMatchObject({ valid: false, reason: 'expired' });
    const [{ secret_hash }] = await f.postgres.query('SELECT secret_hash FROM api_keys WHERE id = $1', [
      personal.key.id,
    ]);
    expect(secret_hash).not.toContain(personal.secret);
  });

  it('usernames: letters, digits and underscores, not starting with a digit', () => {
    for (const ok of ['alice', 'Bob_2', '_x'])
      expect(buildCommand(CreateUserCommand, { username: ok, email: 'a@b.co', platformRoles: [] }).username).toBe(ok);
    for (const bad of ['2fast', 'has space', 'dash-ed', 'émile', '']) {
      expect(() => buildCommand(CreateUserCommand, { username: bad, email: 'a@b.co', platformRoles: [] })).toThrow(
        BadUserInputError,
      );
    }
  });

  describe('bad input gets a specific error and writes nothing', () => {
    it.each([
      [
        'a malformed id',
        () => buildCommand(InviteMemberCommand, { teamId: 'not-a-uuid', usernameOrEmail: 'x', role: 'MEMBER' }),
        BadUserInputError,
      ],
      [
        'an empty team name',
        async () => f.lifecycle.createTeam(buildCommand(CreateTeamCommand, { name: '  ' }), await f.user()),
        BadUserInputError,
      ],
      [
        'an oversize team name',
        async () => f.lifecycle.createTeam(buildCommand(CreateTeamCommand, { name: 'x'.repeat(101) }), await f.user()),
        BadUserInputError,
      ],
      [
        'a negative seat count',
        () =>
          buildCommand(CreatePlanCommand, {
            teamId: '3f8c2a9e-1b2c-4d5e-8f9a-0b1c2d3e4f5a',
            name: 'p',
            seats: -1,
            endsAt: new Date(Date.now() + DAY),
          }),
        BadUserInputError,
      ],
      [
        'an absurd seat count',
        () =>
          buildCommand(CreatePlanCommand, {
            teamId: '3f8c2a9e-1b2c-4d5e-8f9a-0b1c2d3e4f5a',
            name: 'p',
            seats: 10_000_001,
            endsAt: new Date(Date.now() + DAY),
          }),
        BadUserInputError,
      ],
      [
        'a past end date',
        () =>
          buildCommand(CreatePlanCommand, {
            teamId: '3f8c2a9e-1b2c-4d5e-8f9a-0b1c2d3e4f5a',
            name: 'p',
            seats: 3,
            endsAt: new Date(Date.now() - DAY),
          }),
        BadUserInputError,
      ],
      [
        'an unknown team',
        async () =>
          f.lifecycle.inviteMember(
            { teamId: '3f8c2a9e-1b2c-4d5e-8f9a-0b1c2d3e4f5a', usernameOrEmail: 'x', role: 'MEMBER' },
            await f.user(),
          ),
        NotFoundError,
      ],
      [
        'an unknown plan',
        async () =>
          f.lifecycle.assignSeat(
            { planId: '3f8c2a9e-1b2c-4d5e-8f9a-0b1c2d3e4f5a', userId: '3f8c2a9e-1b2c-4d5e-8f9a-0b1c2d3e4f5a' },
            await f.user(),
          ),
        NotFoundError,
      ],
    ])('%s', async (_what, act, errorType) => {
      await f.user(); // the actor some cases create is part of the arrangement, not of the refused command
      const before = await f.snapshot();
      let created = 0;
      await expect(
        (async () => {
          const users = (await f.snapshot()).users;
          try {
            await act();
          } finally {
            created = (await f.snapshot()).users - users;
          }
        })(),
      ).rejects.toThrow(errorType);
      const after = await f.snapshot();
      expect({ ...after, users: after.users - created }).toEqual(before);
    });

    it('a duplicate team name within an owner is a CONFLICT and writes nothing', async () => {
      const owner = await f.user();
      await f.lifecycle.createTeam({ name: 'Research' }, owner);
      const before = await f.snapshot();
      await expect(f.lifecycle.createTeam({ name: 'research' }, owner)).rejects.toThrow(ConflictError);
      expect(await f.snapshot()).toEqual(before);
      await f.lifecycle.createTeam({ name: 'Research' }, await f.user());
    });
  });
});
