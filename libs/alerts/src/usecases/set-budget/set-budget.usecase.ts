import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { assertTimeZone } from '@app/analytics';
import { BadUserInputError, NotFoundError } from '@app/errors';
import { KeyStateChanges, MembershipReader } from '@app/teams';
import { AlertsAccess, AlertsActor } from '../../access/alerts-access';
import { AlertRaiser } from '../../alert-raiser';
import type { BudgetRow } from '../../persistence';
import { SetBudgetCommand } from './set-budget.command';

/**
 * A budget on a team, one of its members or one of its keys, per period; setting it again
 * changes it. Thresholds already crossed in the current period stay crossed.
 */
@Injectable()
export class SetBudget {
  constructor(
    private readonly access: AlertsAccess,
    private readonly memberships: MembershipReader,
    private readonly raiser: AlertRaiser,
    private readonly changes: KeyStateChanges,
  ) {}

  async execute(command: SetBudgetCommand, actor: AlertsActor): Promise<BudgetRow> {
    if (command.userId && command.apiKeyId) {
      throw new BadUserInputError('a budget is on the team, a member (userId) or a key (apiKeyId), not both');
    }
    if (new Decimal(command.amount).lte(0)) throw new BadUserInputError('amount: must be more than 0');
    const timeZone = assertTimeZone(command.timeZone);
    await this.access.requireBudgetSetter(actor, command.teamId);
    if (command.userId && !(await this.memberships.membersOfAny([command.userId], [command.teamId])).size) {
      throw new NotFoundError('userId: not a member of the team');
    }
    if (
      command.apiKeyId &&
      (await this.memberships.keys([command.apiKeyId])).get(command.apiKeyId)?.teamId !== command.teamId
    ) {
      throw new NotFoundError('apiKeyId: not a key of the team');
    }
    const budget = await this.raiser.transaction((store) =>
      store.budgets.upsert(
        {
          teamId: command.teamId,
          userId: command.userId ?? null,
          apiKeyId: command.apiKeyId ?? null,
          amount: command.amount,
          period: command.period,
          timeZone,
          thresholds: [...new Set(command.thresholds)].sort((a, b) => a - b),
        },
        actor.userId,
      ),
    );
    // this process's key verification answers the new budget from the next call on
    this.changes.publish({ teamId: command.teamId });
    return budget;
  }
}
