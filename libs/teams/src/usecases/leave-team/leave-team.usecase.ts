import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@app/errors';
import { releaseMember, TeamTransactions } from '../team-transaction';
import { LeaveTeamCommand } from './leave-team.command';

/** Anyone but the Owner leaves; their seat and team keys go with them. */
@Injectable()
export class LeaveTeam {
  constructor(private readonly transactions: TeamTransactions) {}

  execute(command: LeaveTeamCommand, actorId: string): Promise<boolean> {
    return this.transactions.inTeam(command.teamId, actorId, async (tx) => {
      if (!tx.actorRole) throw new NotFoundError('you are not a member of the team');
      if (tx.actorRole === 'OWNER') throw new ConflictError('the Owner must transfer ownership before leaving');
      await releaseMember(tx, actorId, 'member_left');
      await tx.emit('MemberLeft', { userId: actorId });
      return true;
    });
  }
}
