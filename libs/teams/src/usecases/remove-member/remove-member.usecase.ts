import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import { releaseMember, requireRole, TeamTransactions } from '../team-transaction';
import { RemoveMemberCommand } from './remove-member.command';

/** Owners and Admins remove Members; only the Owner removes Admins; nobody removes the Owner. */
@Injectable()
export class RemoveMember {
  constructor(private readonly transactions: TeamTransactions) {}

  execute(command: RemoveMemberCommand, actorId: string): Promise<boolean> {
    return this.transactions.inTeam(command.teamId, actorId, async (tx) => {
      requireRole(tx, ['OWNER', 'ADMIN'], 'removing members');
      if (command.userId === actorId) throw new ConflictError('use leaveTeam to leave a team');
      const target = await tx.store.memberships.roleOf(tx.team.id, command.userId);
      if (!target) throw new NotFoundError('that user is not a member of the team');
      if (target === 'OWNER') throw new ForbiddenError('the Owner cannot be removed');
      if (tx.actorRole === 'ADMIN' && target === 'ADMIN') throw new ForbiddenError('only the Owner removes Admins');
      await releaseMember(tx, command.userId, 'member_removed');
      await tx.emit('MemberRemoved', { userId: command.userId });
      return true;
    });
  }
}
