import { Injectable } from '@nestjs/common';
import { ForbiddenError, newSecret, sha256 } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import type { InvitationRow } from '../../persistence';
import { requireRole, TeamTransactions } from '../team-transaction';
import { InviteMemberCommand } from './invite-member.command';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/** The invitation and its link token, which exists only in this answer (only its hash is stored). */
export type IssuedInvitation = InvitationRow & { token: string };

/**
 * Owners and Admins invite; only the Owner invites Admins. A known user is invited by id, an
 * unknown address by email (it becomes theirs when they sign up with it).
 */
@Injectable()
export class InviteMember {
  constructor(private readonly transactions: TeamTransactions) {}

  execute(command: InviteMemberCommand, actorId: string): Promise<IssuedInvitation> {
    return this.transactions.inTeam(command.teamId, actorId, async (tx) => {
      requireRole(tx, ['OWNER', 'ADMIN'], 'inviting');
      if (command.role === 'ADMIN' && tx.actorRole !== 'OWNER')
        throw new ForbiddenError('only the Owner invites Admins');
      const user = await tx.store.users.byUsernameOrEmail(command.usernameOrEmail);
      if (!user && !command.usernameOrEmail.includes('@')) {
        throw new NotFoundError(`no user named ${JSON.stringify(command.usernameOrEmail)}`);
      }
      if (user && (await tx.store.memberships.roleOf(tx.team.id, user.id))) {
        throw new ConflictError('that user is already a member of the team');
      }
      const token = newSecret('inv');
      const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
      const invitation = await tx.store.invitations.insert({
        teamId: tx.team.id,
        inviteeUserId: user?.id ?? null,
        inviteeEmail: user ? null : command.usernameOrEmail.toLowerCase(),
        role: command.role,
        tokenHash: sha256(token),
        expiresAt,
        invitedBy: actorId,
      });
      await tx.emit('MemberInvited', {
        invitationId: invitation.id,
        inviteeUserId: user?.id ?? null,
        role: command.role,
        expiresAt: expiresAt.toISOString(),
      });
      return { ...invitation, token };
    });
  }
}
