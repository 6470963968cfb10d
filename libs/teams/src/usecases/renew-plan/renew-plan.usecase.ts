import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@app/errors';
import type { PlanRow } from '../../persistence';
import { requireRole, TeamTransactions } from '../team-transaction';
import { RenewPlanCommand } from './renew-plan.command';

/**
 * Owners and Admins (as for buying a plan) move its end and may change its seat count: never
 * below the seats held, since a renewal takes no seat away. Holders keep their seats, so an
 * expired plan's members and their keys work again once it is renewed.
 */
@Injectable()
export class RenewPlan {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: RenewPlanCommand, actorId: string): Promise<PlanRow> {
    const found = await this.transactions.store.plans.byId(command.planId);
    if (!found) throw new NotFoundError(`plan ${command.planId} does not exist`);
    return this.transactions.inTeam(found.team_id, actorId, async (tx) => {
      requireRole(tx, ['OWNER', 'ADMIN'], 'renewing plans');
      const current = (await tx.store.plans.byId(found.id))!; // under the team lock: no seat changes meanwhile
      const seats = command.seats ?? current.seats;
      const held = await tx.store.seats.heldCount(found.id);
      if (seats < held) {
        throw new ConflictError(`${held} seats of the plan are assigned; reclaim seats before renewing with ${seats}`);
      }
      await tx.store.seats.resize(found.id, tx.team.id, seats);
      const plan = await tx.store.plans.renew(found.id, seats, command.endsAt);
      await tx.emit('PlanRenewed', { planId: plan.id, seats, endsAt: command.endsAt.toISOString() });
      return plan;
    });
  }
}
