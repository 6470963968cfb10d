import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal } from '@app/auth';
import { assertUuid, buildCommand } from '@app/teams';
import { alertsActor, AlertsAccess } from '../access/alerts-access';
import { AlertRaiser } from '../alert-raiser';
import { AlertRuleInput, AlertRuleType, toAlertRule } from '../dto/alert-types';
import { AlertRuleCommand, CreateAlertRule, DeleteAlertRule, UpdateAlertRule } from '../usecases';

/** Alert rules: thin, the use cases decide. */
@Resolver()
export class AlertRulesResolver {
  constructor(
    private readonly createRule: CreateAlertRule,
    private readonly updateRule: UpdateAlertRule,
    private readonly deleteRule: DeleteAlertRule,
    private readonly access: AlertsAccess,
    private readonly raiser: AlertRaiser,
  ) {}

  @Query(() => [AlertRuleType], { description: "a team's rules, or the platform's when teamId is null" })
  async alertRules(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string | null,
  ): Promise<AlertRuleType[]> {
    const actor = alertsActor(principal);
    await this.access.requireRuleReader(actor, teamId ?? null, 'alert rules');
    const rows = await this.raiser.transaction((store) => store.rules.ofScope(teamId ?? null));
    return rows.map(toAlertRule);
  }

  @Mutation(() => AlertRuleType)
  async createAlertRule(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: AlertRuleInput,
  ): Promise<AlertRuleType> {
    const command = buildCommand(AlertRuleCommand, { ...input });
    return toAlertRule(await this.createRule.execute(command, alertsActor(principal)));
  }

  @Mutation(() => AlertRuleType)
  async updateAlertRule(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: AlertRuleInput,
  ): Promise<AlertRuleType> {
    const command = buildCommand(AlertRuleCommand, { ...input });
    return toAlertRule(await this.updateRule.execute(uuid(id), command, alertsActor(principal)));
  }

  @Mutation(() => Boolean)
  async deleteAlertRule(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    return this.deleteRule.execute(uuid(id), alertsActor(principal));
  }
}

function uuid(id: string): string {
  assertUuid(id, 'id');
  return id;
}
