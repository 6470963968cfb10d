import { ConflictError } from '@app/errors';
import type { InvitationStatus } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { RevokeInvitation } from './revoke-invitation.usecase';

const ID = '3f8c2a9e-1b2c-4d5e-8f9a-0b1c2d3e4f5a';

function world(status: InvitationStatus) {
  const revoke = jest.fn().mockResolvedValue({ id: ID, status: 'REVOKED' });
  const fake = new FakeTeamTransactions(
    new Map([
      ['owner', 'OWNER' as const],
      ['member', 'MEMBER' as const],
    ]),
    { invitations: { byId: jest.fn().mockResolvedValue({ id: ID, team_id: 't1', status }), revoke } },
  );
  return { fake, revoke, useCase: new RevokeInvitation(fake) };
}

describe('RevokeInvitation', () => {
  it('revokes a pending invitation and records it', async () => {
    const { fake, revoke, useCase } = world('PENDING');
    await useCase.execute({ invitationId: ID }, 'owner');
    expect(revoke).toHaveBeenCalledWith(ID);
    expect(fake.events).toEqual([
      { teamId: 't1', type: 'InvitationRevoked', actorId: 'owner', payload: { invitationId: ID } },
    ]);
  });

  it('refuses an accepted invitation, and Members', async () => {
    await expect(world('ACCEPTED').useCase.execute({ invitationId: ID }, 'owner')).rejects.toThrow(ConflictError);
    await expect(world('PENDING').useCase.execute({ invitationId: ID }, 'member')).rejects.toThrow(/OWNER or ADMIN/);
  });
});
