import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal } from '@app/auth';
import { BadUserInputError } from '@app/errors';
import { buildCommand } from '@app/teams';
import { alertsActor, AlertsAccess } from '../access/alerts-access';
import { AlertRaiser } from '../alert-raiser';
import { CreatedWebhookType, toWebhook, toWebhookAttempt, WebhookAttemptType, WebhookType } from '../dto/alert-types';
import { CreateWebhook, CreateWebhookCommand } from '../usecases';

/** Webhook endpoints and their delivery log. */
@Resolver()
export class WebhooksResolver {
  constructor(
    private readonly createWebhookUseCase: CreateWebhook,
    private readonly access: AlertsAccess,
    private readonly raiser: AlertRaiser,
  ) {}

  @Mutation(() => CreatedWebhookType, { description: 'the signing secret is in this answer only' })
  async createWebhook(
    @CurrentPrincipal() principal: Principal,
    @Args('url') url: string,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string | null,
  ): Promise<CreatedWebhookType> {
    const command = buildCommand(CreateWebhookCommand, { teamId, url });
    const { webhook, secret } = await this.createWebhookUseCase.execute(command, alertsActor(principal));
    return { webhook: toWebhook(webhook), secret };
  }

  @Query(() => [WebhookType], { description: "a team's endpoints, or the platform's when teamId is null" })
  async webhooks(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string | null,
  ): Promise<WebhookType[]> {
    await this.access.requireRuleReader(alertsActor(principal), teamId ?? null, 'webhooks');
    return (await this.raiser.transaction((store) => store.webhooks.ofScope(teamId ?? null))).map(toWebhook);
  }

  @Query(() => [WebhookAttemptType], { description: 'the delivery log of the endpoints of a team (or the platform)' })
  async webhookAttempts(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first = 50,
  ): Promise<WebhookAttemptType[]> {
    if (first < 1 || first > 500) throw new BadUserInputError('first: 1 to 500');
    await this.access.requireRuleReader(alertsActor(principal), teamId ?? null, 'webhooks');
    const rows = await this.raiser.transaction(async (store) => {
      const ids = (await store.webhooks.ofScope(teamId ?? null)).map((w) => w.id);
      return ids.length ? store.webhooks.attemptsOf(ids, first) : [];
    });
    return rows.map(toWebhookAttempt);
  }
}
