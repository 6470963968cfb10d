import { Injectable } from '@nestjs/common';
import { ForbiddenError, sha256 } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import type { MembershipRow } from '../../persistence';
import { TeamTransactions } from '../team-transaction';
import { AcceptInvitationCommand } from './accept-invitation.command';

/**
 * The invitee joins with the invitation's role. Accepting twice answers the same membership
 * (a double click is not an error); a revoked or expired invitation asks for a new one.
 */
@Injectable()
export class AcceptInvitation {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: AcceptInvitationCommand, actorId: string): Promise<MembershipRow> {
    const tokenHash = sha256(command.token);
    const found = await this.transactions.store.invitations.byTokenHash(tokenHash);
    if (!found) throw new NotFoundError('no invitation with that token');
    return this.transactions.inTeam(found.team_id, actorId, async (tx) => {
      // read again under the team lock: a concurrent accept or revoke has finished by now
      const invitation = (await tx.store.invitations.byTokenHash(tokenHash))!;
      const actor = (await tx.store.users.byId(actorId))!;
      const addressedToActor = invitation.invitee_user_id
        ? invitation.invitee_user_id === actorId
        : invitation.invitee_email === actor.email.toLowerCase();
      if (!addressedToActor) throw new ForbiddenError('this invitation is addressed to someone else');
      if (invitation.status === 'ACCEPTED') {
        const membership = await tx.store.memberships.find(tx.team.id, actorId);
        if (membership) return membership;
        throw new ConflictError('this invitation was already accepted');
      }
      if (invitation.status === 'REVOKED') throw new ConflictError('this invitation was revoked; ask for a new one');
      if (invitation.expires_at.getTime() <= Date.now()) {
        throw new ConflictError('this invitation expired; ask for a new one');
      }
      if (tx.actorRole) throw new ConflictError('you are already a member of the team');
      await tx.store.invitations.accept(invitation.id, actorId);
      const membership = await tx.store.memberships.insert(tx.team.id, actorId, invitation.role);
      await tx.emit('InvitationAccepted', { invitationId: invitation.id, userId: actorId, role: invitation.role });
      return membership;
    });
  }
}
