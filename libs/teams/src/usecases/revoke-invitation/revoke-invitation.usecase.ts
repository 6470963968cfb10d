import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@app/errors';
import type { InvitationRow } from '../../persistence';
import { requireRole, TeamTransactions } from '../team-transaction';
import { RevokeInvitationCommand } from './revoke-invitation.command';

/** Owners and Admins withdraw a pending invitation; its link stops working. */
@Injectable()
export class RevokeInvitation {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: RevokeInvitationCommand, actorId: string): Promise<InvitationRow> {
    const found = await this.transactions.store.invitations.byId(command.invitationId);
    if (!found) throw new NotFoundError(`invitation ${command.invitationId} does not exist`);
    return this.transactions.inTeam(found.team_id, actorId, async (tx) => {
      requireRole(tx, ['OWNER', 'ADMIN'], 'revoking invitations');
      const invitation = (await tx.store.invitations.byId(command.invitationId))!;
      if (invitation.status !== 'PENDING') {
        throw new ConflictError(`the invitation is ${invitation.status.toLowerCase()}, not pending`);
      }
      const revoked = await tx.store.invitations.revoke(invitation.id);
      await tx.emit('InvitationRevoked', { invitationId: invitation.id });
      return revoked;
    });
  }
}
