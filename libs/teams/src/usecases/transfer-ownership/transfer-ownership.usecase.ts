import { Injectable } from '@nestjs/common';
import { ConflictError } from '@app/errors';
import type { TeamRow } from '../../persistence';
import { requireRole, TeamTransactions } from '../team-transaction';
import { TransferOwnershipCommand } from './transfer-ownership.command';

/** The Owner hands the team to one of its Admins and becomes an Admin: a team always has one Owner. */
@Injectable()
export class TransferOwnership {
  constructor(private readonly transactions: TeamTransactions) {}

  execute(command: TransferOwnershipCommand, actorId: string): Promise<TeamRow> {
    return this.transactions.inTeam(command.teamId, actorId, async (tx) => {
      requireRole(tx, ['OWNER'], 'transferring ownership');
      const target = await tx.store.memberships.roleOf(tx.team.id, command.toUserId);
      if (target !== 'ADMIN') throw new ConflictError('ownership goes only to an existing Admin of the team');
      await tx.store.memberships.setRole(tx.team.id, actorId, 'ADMIN');
      await tx.store.memberships.setRole(tx.team.id, command.toUserId, 'OWNER');
      await tx.emit('OwnershipTransferred', { from: actorId, to: command.toUserId });
      return tx.team;
    });
  }
}
