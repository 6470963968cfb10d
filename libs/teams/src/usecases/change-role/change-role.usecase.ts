import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import type { MembershipRow } from '../../persistence';
import { requireRole, TeamTransactions } from '../team-transaction';
import { ChangeRoleCommand } from './change-role.command';

/** Owners and Admins change Members' roles; only the Owner promotes or demotes Admins. */
@Injectable()
export class ChangeRole {
  constructor(private readonly transactions: TeamTransactions) {}

  execute(command: ChangeRoleCommand, actorId: string): Promise<MembershipRow> {
    return this.transactions.inTeam(command.teamId, actorId, async (tx) => {
      requireRole(tx, ['OWNER', 'ADMIN'], 'changing roles');
      const current = await tx.store.memberships.roleOf(tx.team.id, command.userId);
      if (!current) throw new NotFoundError('that user is not a member of the team');
      if (current === 'OWNER') throw new ConflictError("the Owner's role changes only by transferring ownership");
      if (tx.actorRole === 'ADMIN' && (current === 'ADMIN' || command.role === 'ADMIN')) {
        throw new ForbiddenError('only the Owner promotes or demotes Admins');
      }
      if (current !== command.role) {
        await tx.store.memberships.setRole(tx.team.id, command.userId, command.role);
        await tx.emit('RoleChanged', { userId: command.userId, from: current, to: command.role });
      }
      return (await tx.store.memberships.find(tx.team.id, command.userId))!;
    });
  }
}
