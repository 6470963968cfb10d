import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { UsageFilterInput, UsageQueries } from '@app/analytics';
import { BudgetedKey, KeyBudgets, KeyBudgetStatus, KeyStateChanges, UsageTally } from '@app/teams';
import { BudgetRepository, BudgetRow } from '../persistence';
import { budgetPeriodAt } from './budget-period';

/** How long a budget's spend read from the engine is reused: a key can overspend by at most this much traffic. */
export const BUDGET_SPENT_CACHE_MS = 5_000;

export interface BudgetStatus {
  budget: BudgetRow;
  periodStart: Date;
  /** exact decimal text */
  spent: string;
  remaining: string;
  exceeded: boolean;
}

const SUBJECT_ORDER = (b: BudgetRow) => (b.api_key_id ? 0 : b.user_id ? 1 : 2);

/**
 * Spend against budgets, exact: the cost of the budget's subject (the team, a member in it or a
 * key) over its current period, read through the usage query layer (the rollups' Decimal
 * cost), cached briefly per budget and period so that key verification costs no engine query
 * on most calls.
 */
@Injectable()
export class BudgetSpend implements OnModuleInit {
  private readonly cache = new Map<string, { at: number; spent: Promise<string> }>();
  private readonly budgets: BudgetRepository;
  /** each team's budgets for key verification, dropped on any change to the team (KeyStateChanges) */
  private readonly ofTeam = new Map<string, Promise<BudgetRow[]>>();

  constructor(
    private readonly usage: UsageQueries,
    private readonly keyBudgets: KeyBudgets,
    @InjectDataSource() postgres: DataSource,
    private readonly tally: UsageTally,
    changes: KeyStateChanges,
  ) {
    this.budgets = new BudgetRepository(postgres);
    changes.subscribe((change) => change.teamId && this.ofTeam.delete(change.teamId));
  }

  onModuleInit(): void {
    this.keyBudgets.provide((key, now) => this.tightestForKey(key, now));
  }

  async status(budget: BudgetRow, now = Date.now(), fresh = false): Promise<BudgetStatus> {
    const { start, end } = budgetPeriodAt(budget.period, budget.time_zone, now);
    const cacheKey = `${budget.id}|${start.getTime()}`;
    let cached = this.cache.get(cacheKey);
    if (fresh || !cached || now - cached.at >= BUDGET_SPENT_CACHE_MS) {
      cached = { at: now, spent: this.spentBetween(budget, start, end, now) };
      this.cache.set(cacheKey, cached);
      cached.spent.catch(() => this.cache.delete(cacheKey));
      this.evictStale(now);
    }
    const spent = new Decimal(await cached.spent);
    const remaining = new Decimal(budget.amount).minus(spent);
    return {
      budget,
      periodStart: start,
      spent: spent.toFixed(),
      remaining: remaining.toFixed(),
      exceeded: remaining.lte(0),
    };
  }

  /**
   * Of the budgets on a key, its holder and its team, the one with the least left (all of them
   * apply: a team out of budget stops every key); a tie goes to the most specific (key, user, team).
   * From memory: the team's budgets as last loaded, the spend from the UsageTally (seeded from
   * the rollups, then counted from the ingest stream).
   */
  async tightestForKey(key: BudgetedKey, now: number): Promise<KeyBudgetStatus | null> {
    const budgets = (await this.budgetsOfTeam(key.teamId)).filter(
      (b) => b.api_key_id === key.apiKeyId || b.user_id === key.userId || (!b.user_id && !b.api_key_id),
    );
    if (budgets.length === 0) return null;
    const statuses = await Promise.all(budgets.map((b) => this.tallied(b, now)));
    statuses.sort((a, b) => a.remaining.comparedTo(b.remaining) || SUBJECT_ORDER(a.budget) - SUBJECT_ORDER(b.budget));
    const { budget, spent, remaining } = statuses[0];
    return {
      amount: new Decimal(budget.amount).toFixed(),
      spent: spent.toFixed(),
      remaining: remaining.toFixed(),
      exceeded: remaining.lte(0),
    };
  }

  private budgetsOfTeam(teamId: string): Promise<BudgetRow[]> {
    let budgets = this.ofTeam.get(teamId);
    if (!budgets) {
      budgets = this.budgets.ofTeam(teamId);
      this.ofTeam.set(teamId, budgets);
      budgets.catch(() => this.ofTeam.get(teamId) === budgets && this.ofTeam.delete(teamId));
    }
    return budgets;
  }

  private async tallied(
    budget: BudgetRow,
    now: number,
  ): Promise<{ budget: BudgetRow; spent: Decimal; remaining: Decimal }> {
    const { start, end } = budgetPeriodAt(budget.period, budget.time_zone, now);
    const spent = await this.tally.use(
      `budget:${budget.id}:${start.getTime()}`,
      {
        teamId: budget.team_id,
        userId: budget.user_id,
        apiKeyId: budget.api_key_id,
        measure: 'cost',
        from: start.getTime(),
        to: end.getTime(),
      },
      () => this.spentBetween(budget, start, end, now),
      now,
    );
    return { budget, spent, remaining: new Decimal(budget.amount).minus(spent) };
  }

  private async spentBetween(budget: BudgetRow, start: Date, end: Date, now: number): Promise<string> {
    const filter: UsageFilterInput = {
      range: { from: start, to: end, timeZone: 'UTC' },
      teamIds: [budget.team_id],
      ...(budget.user_id ? { userIds: [budget.user_id] } : {}),
      ...(budget.api_key_id ? { apiKeyIds: [budget.api_key_id] } : {}),
    };
    return (await this.usage.totals(filter, now)).cost;
  }

  private evictStale(now: number): void {
    if (this.cache.size < 10_000) return;
    for (const [key, entry] of this.cache) if (now - entry.at >= BUDGET_SPENT_CACHE_MS) this.cache.delete(key);
  }
}
