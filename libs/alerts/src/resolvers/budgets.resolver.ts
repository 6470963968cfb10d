import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Expensive, Principal } from '@app/auth';
import { assertUuid, buildCommand } from '@app/teams';
import { alertsActor, AlertsAccess } from '../access/alerts-access';
import { AlertRaiser } from '../alert-raiser';
import { BudgetPeriodEnum, BudgetType, toBudget } from '../dto/alert-types';
import { BudgetSpend } from '../evaluation/budget-spend';
import { SetBudget, SetBudgetCommand } from '../usecases';

/** Budgets and their spend, exact. */
@Resolver()
export class BudgetsResolver {
  constructor(
    private readonly setBudgetUseCase: SetBudget,
    private readonly spend: BudgetSpend,
    private readonly access: AlertsAccess,
    private readonly raiser: AlertRaiser,
  ) {}

  @Mutation(() => BudgetType)
  async setBudget(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('amount') amount: string,
    @Args('period', { type: () => BudgetPeriodEnum }) period: BudgetPeriodEnum,
    @Args('userId', { type: () => ID, nullable: true }) userId?: string | null,
    @Args('apiKeyId', { type: () => ID, nullable: true }) apiKeyId?: string | null,
    @Args('timeZone', { type: () => String, nullable: true, defaultValue: 'UTC' }) timeZone?: string,
    @Args('thresholds', { type: () => [Int], nullable: true, defaultValue: [50, 75, 100] }) thresholds?: number[],
  ): Promise<BudgetType> {
    const command = buildCommand(SetBudgetCommand, {
      teamId,
      userId,
      apiKeyId,
      amount,
      period,
      timeZone: timeZone ?? 'UTC',
      thresholds: thresholds ?? [50, 75, 100],
    });
    const budget = await this.setBudgetUseCase.execute(command, alertsActor(principal));
    return toBudget(await this.spend.status(budget));
  }

  @Query(() => [BudgetType], { description: "a team's budgets with their spend in the current period" })
  @Expensive(1)
  async budgets(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
  ): Promise<BudgetType[]> {
    assertUuid(teamId, 'teamId');
    await this.access.requireBudgetReader(alertsActor(principal), teamId);
    const rows = await this.raiser.transaction((store) => store.budgets.ofTeam(teamId));
    return (await Promise.all(rows.map((b) => this.spend.status(b)))).map(toBudget);
  }
}
