import { Args, Context, ID, Int, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { AnomalyReader, AnomalyType } from '@app/anomalies';
import { AuthService, bearerToken, CurrentPrincipal, ForbiddenError, Principal } from '@app/auth';
import { BadUserInputError } from '@app/errors';
import { alertsActor, AlertsAccess } from '../access/alerts-access';
import { AlertRaiser } from '../alert-raiser';
import { AlertsLiveHub, AlertUpdate } from '../alerts-live.hub';
import {
  AlertEventConnection,
  AlertEventType,
  AlertRuleType,
  BudgetType,
  toAlertEvent,
  toAlertRule,
  toBudget,
} from '../dto/alert-types';
import { BudgetSpend } from '../evaluation/budget-spend';

interface LiveContext {
  req: { headers: Record<string, string | undefined> };
}

function eventOrEnd(update: AlertUpdate): AlertEventType {
  if (update instanceof ForbiddenError) throw update;
  return toAlertEvent(update);
}

const encodeCursor = (seq: string) => Buffer.from(`s:${seq}`).toString('base64url');

function decodeCursor(after: string | undefined | null): string | undefined {
  if (!after) return undefined;
  const match = /^s:(\d{1,18})$/.exec(Buffer.from(after, 'base64url').toString());
  if (!match) throw new BadUserInputError('after: not a cursor of this list');
  return match[1];
}

/** Alert events: the history (newest first), the live feed, and what raised each. */
@Resolver(() => AlertEventType)
export class AlertEventsResolver {
  constructor(
    private readonly access: AlertsAccess,
    private readonly raiser: AlertRaiser,
    private readonly spend: BudgetSpend,
    private readonly live: AlertsLiveHub,
    private readonly auth: AuthService,
    private readonly anomalies: AnomalyReader,
  ) {}

  @Query(() => AlertEventConnection, { description: "a team's alert events, or the platform's, newest first" })
  async alertEvents(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first = 50,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<AlertEventConnection> {
    if (first < 1 || first > 500) throw new BadUserInputError('first: 1 to 500');
    const before = decodeCursor(after);
    await this.access.requireRuleReader(alertsActor(principal), teamId ?? null, 'alert events');
    const [rows, totalCount] = await this.raiser.transaction((store) =>
      Promise.all([store.events.page(teamId ?? null, first + 1, before), store.events.count(teamId ?? null)]),
    );
    const page = rows.slice(0, first).map(toAlertEvent);
    return {
      edges: page.map((node) => ({ cursor: encodeCursor(node.seq), node })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page.at(-1)!.seq) : null },
      totalCount,
    };
  }

  /**
   * Alert events of a team (or the platform) as they are raised. Access is checked when it
   * starts and again before every push: a member demoted or a token revoked gets FORBIDDEN and
   * the subscription completes.
   */
  @Subscription(() => AlertEventType, { resolve: eventOrEnd })
  async alerts(
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: LiveContext,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string | null,
  ): Promise<AsyncIterableIterator<AlertUpdate>> {
    const actor = alertsActor(principal);
    const scope = teamId ?? null;
    await this.access.requireRuleReader(actor, scope, 'alert events');
    const token = bearerToken(ctx.req.headers.authorization);
    const stillAllowed = async () => {
      const now = await this.auth.authenticate(token);
      if (now?.kind !== 'user' || now.userId !== actor.userId) return false;
      return this.access.requireRuleReader(alertsActor(now), scope, 'alert events').then(
        () => true,
        (error: unknown) => {
          if (error instanceof ForbiddenError) return false;
          throw error;
        },
      );
    };
    return this.live.subscribe(scope, actor.userId, stillAllowed);
  }

  @ResolveField(() => AlertRuleType, { nullable: true, description: 'the rule that raised it (null once deleted)' })
  async rule(@Parent() event: AlertEventType): Promise<AlertRuleType | null> {
    if (!event.ruleId) return null;
    const row = await this.raiser.transaction((store) => store.rules.byId(event.ruleId!));
    return row ? toAlertRule(row) : null;
  }

  @ResolveField(() => BudgetType, { nullable: true, description: 'the budget whose threshold it reports' })
  async budget(@Parent() event: AlertEventType): Promise<BudgetType | null> {
    if (!event.budgetId) return null;
    const [row] = await this.raiser.transaction((store) => store.budgets.byIds([event.budgetId!]));
    return row ? toBudget(await this.spend.status(row)) : null;
  }

  @ResolveField(() => AnomalyType, {
    nullable: true,
    description: 'the anomaly incident that raised it (the Anomaly rule decides who may read it)',
  })
  anomaly(@Parent() event: AlertEventType): Promise<AnomalyType | null> {
    return event.anomalyId ? this.anomalies.byId(event.anomalyId) : Promise.resolve(null);
  }
}
