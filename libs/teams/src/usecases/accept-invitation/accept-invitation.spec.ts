import { ForbiddenError } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import type { InvitationRow, MembershipRow } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { AcceptInvitation } from './accept-invitation.usecase';

const DAY = 86_400_000;
const TOKEN = 'inv_0123456789';

function invitation(overrides: Partial<InvitationRow> = {}): InvitationRow {
  return {
    id: 'inv1',
    team_id: 't1',
    invitee_user_id: null,
    invitee_email: 'eve@example.com',
    role: 'ADMIN',
    token_hash: 'h',
    status: 'PENDING',
    expires_at: new Date(Date.now() + DAY),
    invited_by: 'owner',
    accepted_by: null,
    created_at: new Date(0),
    ...overrides,
  };
}

function world(found: InvitationRow | undefined, existing?: MembershipRow) {
  const accept = jest.fn();
  const insert = jest.fn(async (teamId: string, userId: string, role: string) => ({
    team_id: teamId,
    user_id: userId,
    role,
  }));
  const fake = new FakeTeamTransactions(new Map(existing ? [['eve', existing.role]] : []), {
    invitations: { byTokenHash: jest.fn().mockResolvedValue(found), accept },
    users: { byId: jest.fn().mockResolvedValue({ id: 'eve', email: 'Eve@Example.com' }) },
    memberships: { find: jest.fn().mockResolvedValue(existing), insert: insert as never },
  });
  return { fake, accept, insert, useCase: new AcceptInvitation(fake) };
}

describe('AcceptInvitation', () => {
  it('joins the addressee (email compared without case) with the invited role', async () => {
    const { fake, accept, useCase } = world(invitation());
    await expect(useCase.execute({ token: TOKEN }, 'eve')).resolves.toMatchObject({ user_id: 'eve', role: 'ADMIN' });
    expect(accept).toHaveBeenCalledWith('inv1', 'eve');
    expect(fake.events.map((e) => e.type)).toEqual(['InvitationAccepted']);
  });

  it('answers the existing membership when accepted twice, and emits nothing', async () => {
    const member: MembershipRow = { team_id: 't1', user_id: 'eve', role: 'ADMIN', joined_at: new Date(0) };
    const { fake, useCase } = world(invitation({ status: 'ACCEPTED' }), member);
    await expect(useCase.execute({ token: TOKEN }, 'eve')).resolves.toBe(member);
    expect(fake.events).toEqual([]);
  });

  it.each([
    ['an unknown token', undefined, 'eve', NotFoundError],
    ['someone else', invitation({ invitee_user_id: 'zed', invitee_email: null }), 'eve', ForbiddenError],
    ['a revoked invitation', invitation({ status: 'REVOKED' }), 'eve', ConflictError],
    ['an expired invitation', invitation({ expires_at: new Date(Date.now() - 1) }), 'eve', ConflictError],
  ])('refuses %s', async (_what, found, actor, error) => {
    const { fake, useCase } = world(found);
    await expect(useCase.execute({ token: TOKEN }, actor)).rejects.toThrow(error);
    expect(fake.events).toEqual([]);
  });
});
