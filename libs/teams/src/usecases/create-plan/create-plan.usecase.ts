import { Injectable } from '@nestjs/common';
import type { PlanRow } from '../../persistence';
import { requireRole, TeamTransactions } from '../team-transaction';
import { CreatePlanCommand } from './create-plan.command';

/** Owners and Admins buy a plan: that many seats, all unassigned, until it ends. */
@Injectable()
export class CreatePlan {
  constructor(private readonly transactions: TeamTransactions) {}

  execute(command: CreatePlanCommand, actorId: string): Promise<PlanRow> {
    return this.transactions.inTeam(command.teamId, actorId, async (tx) => {
      requireRole(tx, ['OWNER', 'ADMIN'], 'creating plans');
      const plan = await tx.store.plans.insert(tx.team.id, command.name.trim(), command.seats, command.endsAt);
      await tx.store.seats.createFor(plan.id, tx.team.id, command.seats);
      await tx.emit('PlanCreated', {
        planId: plan.id,
        name: plan.name,
        seats: command.seats,
        endsAt: command.endsAt.toISOString(),
      });
      return plan;
    });
  }
}
