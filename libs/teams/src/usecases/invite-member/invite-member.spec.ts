import { sha256 } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import type { NewInvitation } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { InviteMember } from './invite-member.usecase';

const roles = new Map([
  ['owner', 'OWNER' as const],
  ['admin', 'ADMIN' as const],
  ['member', 'MEMBER' as const],
]);
const bob = { id: 'bob', username: 'bob', email: 'bob@example.com', platform_roles: [], created_at: new Date(0) };

/** `known`: the user the name or address finds, or null for nobody. */
function world(known: typeof bob | null = bob) {
  const insert = jest.fn(async (i: NewInvitation) => ({ id: 'inv1', team_id: i.teamId, token_hash: i.tokenHash }));
  const fake = new FakeTeamTransactions(new Map(roles), {
    users: { byUsernameOrEmail: jest.fn().mockResolvedValue(known ?? undefined) },
    invitations: { insert: insert as never },
  });
  return { fake, insert, invite: new InviteMember(fake) };
}

describe('InviteMember', () => {
  it('lets an Admin invite a member, returning a token whose hash alone is stored', async () => {
    const { fake, insert, invite } = world();
    const issued = await invite.execute({ teamId: 't1', usernameOrEmail: 'bob', role: 'MEMBER' }, 'admin');
    expect(insert.mock.calls[0][0]).toMatchObject({ inviteeUserId: 'bob', inviteeEmail: null, role: 'MEMBER' });
    expect(insert.mock.calls[0][0].tokenHash).toBe(sha256(issued.token));
    expect(fake.events.map((e) => e.type)).toEqual(['MemberInvited']);
  });

  it('refuses Members, and Admins inviting Admins', async () => {
    const { fake, invite } = world();
    await expect(invite.execute({ teamId: 't1', usernameOrEmail: 'bob', role: 'MEMBER' }, 'member')).rejects.toThrow(
      /needs the role OWNER or ADMIN/,
    );
    await expect(invite.execute({ teamId: 't1', usernameOrEmail: 'bob', role: 'ADMIN' }, 'admin')).rejects.toThrow(
      'only the Owner invites Admins',
    );
    expect(fake.events).toEqual([]);
  });

  it('invites an unknown address by email, but an unknown username is NOT_FOUND', async () => {
    const { insert, invite } = world(null);
    await invite.execute({ teamId: 't1', usernameOrEmail: 'New@Example.com', role: 'MEMBER' }, 'owner');
    expect(insert.mock.calls[0][0]).toMatchObject({ inviteeUserId: null, inviteeEmail: 'new@example.com' });
    await expect(invite.execute({ teamId: 't1', usernameOrEmail: 'ghost', role: 'MEMBER' }, 'owner')).rejects.toThrow(
      NotFoundError,
    );
  });

  it('refuses someone already in the team', async () => {
    const { invite } = world({ ...bob, id: 'member' });
    await expect(invite.execute({ teamId: 't1', usernameOrEmail: 'bob', role: 'MEMBER' }, 'owner')).rejects.toThrow(
      ConflictError,
    );
  });
});
