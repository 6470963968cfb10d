import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { logger } from '@app/observability';
import { AlertRaiser } from '../alert-raiser';
import { BudgetRepository, BudgetRow } from '../persistence';
import { BudgetSpend } from './budget-spend';

/** Rolls back an alert event whose threshold another evaluator recorded first. */
class AlreadyCrossed extends Error {}

export interface BudgetCrossing {
  budgetId: string;
  threshold: number;
  spent: string;
}

/** Thresholds (percent of the amount) the spend has reached. */
export function reachedThresholds(amount: string, spent: string, thresholds: readonly number[]): number[] {
  const spentPercent = new Decimal(spent).times(100);
  return thresholds.filter((t) => spentPercent.gte(new Decimal(amount).times(t)));
}

/**
 * Budgets: each threshold reached fires once per period. The crossing is recorded under the
 * unique key (budget, period start, threshold) in the transaction that writes its alert event
 * and deliveries; an evaluator that loses the race rolls its event back.
 */
@Injectable()
export class BudgetEvaluator {
  private readonly budgets: BudgetRepository;

  constructor(
    private readonly spend: BudgetSpend,
    private readonly raiser: AlertRaiser,
    @InjectDataSource() postgres: DataSource,
  ) {
    this.budgets = new BudgetRepository(postgres);
  }

  async evaluate(now = Date.now()): Promise<BudgetCrossing[]> {
    const crossings: BudgetCrossing[] = [];
    for (const budget of await this.budgets.all()) {
      try {
        crossings.push(...(await this.evaluateBudget(budget, now)));
      } catch (error) {
        logger.warn('budget evaluation failed', { budgetId: budget.id, error: String(error) });
      }
    }
    return crossings;
  }

  private async evaluateBudget(budget: BudgetRow, now: number): Promise<BudgetCrossing[]> {
    const status = await this.spend.status(budget, now, true);
    const reached = reachedThresholds(budget.amount, status.spent, budget.thresholds);
    if (reached.length === 0) return [];
    const recorded = await this.budgets.crossed(budget.id, status.periodStart);
    const crossings: BudgetCrossing[] = [];
    for (const threshold of reached.filter((t) => !recorded.has(t))) {
      try {
        await this.raiser.transaction(async (store) => {
          const event = await this.raiser.raise(
            store,
            {
              teamId: budget.team_id,
              budgetId: budget.id,
              state: 'FIRING',
              severity: threshold >= 100 ? 'CRITICAL' : 'WARNING',
              value: Number(status.spent),
              message:
                `budget ${threshold}% reached: spent ${status.spent} of ${new Decimal(budget.amount).toFixed()} ` +
                `this ${budget.period.toLowerCase()} (from ${status.periodStart.toISOString()}, ${budget.time_zone})`,
            },
            { allOfTeam: budget.team_id },
          );
          const first = await store.budgets.recordCrossing(
            budget.id,
            status.periodStart,
            threshold,
            status.spent,
            event.id,
          );
          if (!first) throw new AlreadyCrossed();
        });
        crossings.push({ budgetId: budget.id, threshold, spent: status.spent });
      } catch (error) {
        if (!(error instanceof AlreadyCrossed)) throw error;
      }
    }
    return crossings;
  }
}
