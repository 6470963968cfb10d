import { Args, Context, ID, Info, Int, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { AuthService, bearerToken, CurrentPrincipal, Expensive, ForbiddenError, Principal } from '@app/auth';
import { CallLogsQuery } from './call-logs.query';
import { CallLogOrder } from './dto/call-log-order';
import { Granularity, UsageDimension, UsageMetric } from '@app/catalog';
import { UsageFilterInput } from './dto/usage-filter.input';
import {
  BreakdownConnection,
  CallLog,
  CallLogConnection,
  DimensionValue,
  RankingEntry,
  Series,
} from './dto/usage-types';
import { UsageSummary } from './dto/usage-summary.type';
import { UsageAccessPolicy } from './usage-access.policy';
import { selectedFields, summaryMeasures } from './summary-measures';
import { UsageQueries } from './usage-queries';
import { LiveUpdate, LiveUsageHub } from './live-usage.hub';

interface LiveContext {
  req: { headers: Record<string, string | undefined> };
  connection?: object;
}

function summaryOrEnd(update: LiveUpdate): UsageSummary {
  if (update instanceof ForbiddenError) throw update;
  return update;
}

/** Thin: scope the filter to what the caller may see, then ask the query layer. */
@Resolver()
export class UsageResolver {
  constructor(
    private readonly queries: UsageQueries,
    private readonly callLogQuery: CallLogsQuery,
    private readonly access: UsageAccessPolicy,
    private readonly live: LiveUsageHub,
    private readonly auth: AuthService,
  ) {}

  /**
   * Live mode (graphql-ws): the summary now, then whenever it changes (polled every second,
   * shared per filter). Before every push the token and the scope are checked again: a
   * subscriber whose access shrank gets FORBIDDEN and the subscription completes.
   */
  @Subscription(() => UsageSummary, { resolve: summaryOrEnd })
  async usageLive(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: UsageFilterInput,
    @Context() ctx: LiveContext,
  ): Promise<AsyncIterableIterator<LiveUpdate>> {
    if (principal?.kind !== 'user') throw new ForbiddenError('live usage needs a personal access token');
    const scoped = await this.access.scope(principal, filter, 'aggregates');
    const scopedJson = JSON.stringify(scoped);
    const token = bearerToken(ctx.req.headers.authorization);
    const stillAllowed = async () => {
      const now = await this.auth.authenticate(token);
      if (now?.kind !== 'user' || now.userId !== principal.userId) return false;
      const rescoped = await this.access.scope(now, filter, 'aggregates').catch((error: unknown) => {
        if (error instanceof ForbiddenError) return undefined;
        throw error;
      });
      return JSON.stringify(rescoped) === scopedJson;
    };
    return this.live.subscribe({
      filter: scoped,
      userId: principal.userId,
      connection: ctx.connection ?? ctx,
      stillAllowed,
    });
  }

  @Query(() => UsageSummary)
  @Expensive(1)
  async usageSummary(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: UsageFilterInput,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UsageSummary> {
    const scoped = await this.access.scope(principal, filter, 'aggregates');
    return this.queries.summary(scoped, Date.now(), summaryMeasures(selectedFields(info)!));
  }

  @Query(() => [Series])
  @Expensive(1)
  async usageTrend(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: UsageFilterInput,
    @Args('granularity', { type: () => Granularity }) granularity: Granularity,
    @Args('metrics', { type: () => [UsageMetric] }) metrics: UsageMetric[],
    @Args('splitBy', { type: () => UsageDimension, nullable: true }) splitBy?: UsageDimension,
  ): Promise<Series[]> {
    return this.queries.trend(
      await this.access.scope(principal, filter, 'aggregates'),
      granularity,
      metrics,
      splitBy ?? undefined,
    );
  }

  @Query(() => [RankingEntry])
  @Expensive(2)
  async usageRanking(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: UsageFilterInput,
    @Args('dimension', { type: () => UsageDimension }) dimension: UsageDimension,
    @Args('metric', { type: () => UsageMetric }) metric: UsageMetric,
    @Args('limit', { type: () => Int, defaultValue: 10 }) limit: number,
    @Args('granularity', { type: () => Granularity, nullable: true }) granularity?: Granularity,
  ): Promise<RankingEntry[]> {
    return this.queries.ranking(
      await this.access.scope(principal, filter, 'aggregates'),
      dimension,
      metric,
      limit,
      granularity ?? undefined,
    );
  }

  @Query(() => BreakdownConnection)
  @Expensive(2)
  async usageBreakdown(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: UsageFilterInput,
    @Args('view', { type: () => UsageDimension }) view: UsageDimension,
    @Args('orderBy', { type: () => UsageMetric, defaultValue: UsageMetric.REQUESTS }) orderBy: UsageMetric,
    @Args('descending', { type: () => Boolean, defaultValue: true }) descending: boolean,
    @Args('search', { type: () => String, nullable: true }) search: string | undefined,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('orderByName', {
      type: () => Boolean,
      defaultValue: false,
      description:
        'rows by their label (name), case-insensitively, ties by key, instead of by orderBy; descending ' +
        'applies (false: A to Z)',
    })
    orderByName?: boolean,
  ): Promise<BreakdownConnection> {
    const scoped = await this.access.scope(principal, filter, 'aggregates');
    return this.queries.breakdown(scoped, {
      view,
      orderBy,
      orderByName: orderByName ?? false,
      descending,
      search: search ?? undefined,
      first,
      after: after ?? undefined,
    });
  }

  /** The values of a dimension in the usage the caller may see, for filter drop-downs. */
  @Query(() => [DimensionValue], {
    description:
      'Values of a dimension present in the filtered usage, most used first; search matches key or label ' +
      'case-insensitively',
  })
  @Expensive(1)
  async usageDimensionValues(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: UsageFilterInput,
    @Args('dimension', { type: () => UsageDimension }) dimension: UsageDimension,
    @Args('search', { type: () => String, nullable: true }) search: string | undefined,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
  ): Promise<DimensionValue[]> {
    const scoped = await this.access.scope(principal, filter, 'aggregates');
    return this.queries.dimensionValues(scoped, dimension, search ?? undefined, first);
  }

  @Query(() => CallLogConnection)
  @Expensive(1)
  async callLogs(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: UsageFilterInput,
    @Args('statuses', { type: () => [String], nullable: true }) statuses?: string[],
    @Args('minLatencyMs', { type: () => Int, nullable: true }) minLatencyMs?: number,
    @Args('maxLatencyMs', { type: () => Int, nullable: true }) maxLatencyMs?: number,
    @Args('minTokens', { type: () => Int, nullable: true }) minTokens?: number,
    @Args('maxTokens', { type: () => Int, nullable: true }) maxTokens?: number,
    @Args('first', { type: () => Int, defaultValue: 50 }) first = 50,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('requestId', { type: () => String, nullable: true }) requestId?: string,
    @Args('httpStatuses', { type: () => [Int], nullable: true }) httpStatuses?: number[],
    @Args('errorCodes', { type: () => [String], nullable: true }) errorCodes?: string[],
    @Args('orderBy', { type: () => CallLogOrder, nullable: true, defaultValue: CallLogOrder.OCCURRED_AT })
    orderBy?: CallLogOrder,
    @Args('descending', { type: () => Boolean, nullable: true, defaultValue: true }) descending?: boolean,
  ): Promise<CallLogConnection> {
    const scoped = await this.access.scope(principal, filter, 'callLogs');
    return this.callLogQuery.execute(scoped, {
      statuses: statuses ?? undefined,
      minLatencyMs: minLatencyMs ?? undefined,
      maxLatencyMs: maxLatencyMs ?? undefined,
      minTokens: minTokens ?? undefined,
      maxTokens: maxTokens ?? undefined,
      requestId: requestId ?? undefined,
      httpStatuses: httpStatuses ?? undefined,
      errorCodes: errorCodes ?? undefined,
      orderBy: orderBy ?? undefined,
      descending: descending ?? undefined,
      first,
      after: after ?? undefined,
    });
  }

  /**
   * One call by event id, or the newest by gateway request id. Null both when there is none and
   * when the caller may not read it: FORBIDDEN would tell that an id exists in another team.
   */
  @Query(() => CallLog, { nullable: true })
  @Expensive(1)
  async callLog(
    @CurrentPrincipal() principal: Principal,
    @Args('eventId', { type: () => ID, nullable: true }) eventId?: string,
    @Args('requestId', { type: () => String, nullable: true }) requestId?: string,
  ): Promise<CallLog | null> {
    return this.callLogQuery.one({ eventId, requestId }, await this.access.callLogReach(principal));
  }
}
