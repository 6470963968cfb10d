import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@app/errors';
import type { SeatRow } from '../../persistence';
import { requireRole, TeamTransactions } from '../team-transaction';
import { AssignSeatCommand } from './assign-seat.command';

/** Owners and Admins give a member the plan's next free seat; a member holds at most one seat per team. */
@Injectable()
export class AssignSeat {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: AssignSeatCommand, actorId: string): Promise<SeatRow> {
    const plan = await this.transactions.store.plans.byId(command.planId);
    if (!plan) throw new NotFoundError(`plan ${command.planId} does not exist`);
    return this.transactions.inTeam(plan.team_id, actorId, async (tx) => {
      requireRole(tx, ['OWNER', 'ADMIN'], 'assigning seats');
      if (plan.ends_at.getTime() <= Date.now()) {
        throw new ConflictError('the plan has ended; renew it before assigning seats');
      }
      if (!(await tx.store.memberships.roleOf(tx.team.id, command.userId))) {
        throw new NotFoundError('that user is not a member of the team');
      }
      if (await tx.store.seats.heldBy(tx.team.id, command.userId)) {
        throw new ConflictError('the member already holds a seat; reclaim it before assigning another');
      }
      const seat = await tx.store.seats.assignFirstFree(plan.id, command.userId);
      if (!seat) throw new ConflictError(`all ${plan.seats} seats of the plan are assigned`);
      await tx.emit('SeatAssigned', { seatId: seat.id, planId: plan.id, userId: command.userId });
      return seat;
    });
  }
}
