import { Args, Field, Float, ID, Info, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { CurrentPrincipal, Expensive, ForbiddenError, Principal } from '@app/auth';
import { assertUuid, MembershipReader, QuotaStatus, QuotaStatusReader, QuotaType } from '@app/teams';
import { TimeRangeInput } from './dto/usage-filter.input';
import { UsageSummary } from './dto/usage-summary.type';
import { selectedFields, summaryMeasures } from './summary-measures';
import { UsageQueries } from './usage-queries';

@ObjectType('QuotaUsage')
export class QuotaUsageType implements QuotaStatus {
  @Field(() => QuotaType) quota: QuotaType;
  @Field(() => Float, { description: 'use in the current period (UTC day or month)' }) used: number;
  @Field(() => Float) remaining: number;
  @Field(() => Float, { description: '0 to 100 and beyond' }) percentUsed: number;
}

@ObjectType('PersonalUsage')
export class PersonalUsageType {
  @Field(() => UsageSummary) usage: UsageSummary;
  @Field(() => [QuotaUsageType], { description: 'quotas on me and on my keys' }) quotas: QuotaUsageType[];
}

/** The personal view: my usage in the range, and my quotas with their use in the current period. */
@Resolver(() => PersonalUsageType)
export class MyUsageResolver {
  constructor(
    private readonly queries: UsageQueries,
    private readonly memberships: MembershipReader,
    private readonly quotas: QuotaStatusReader,
  ) {}

  @Query(() => PersonalUsageType, { description: 'teamId absent: my usage in every space, personal included' })
  @Expensive(1)
  async myUsage(
    @CurrentPrincipal() principal: Principal,
    @Args('range', { type: () => TimeRangeInput }) range: TimeRangeInput,
    @Info() info: GraphQLResolveInfo,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string,
  ): Promise<PersonalUsageType> {
    if (principal?.kind !== 'user') throw new ForbiddenError('myUsage needs a user access token');
    const me = principal.userId;
    // an empty string is a teamId too, and not a valid one: absent is only undefined or null
    if (teamId != null) {
      assertUuid(teamId, 'teamId');
      if (!(await this.memberships.rolesOf(me)).has(teamId)) throw new ForbiddenError('teamId: not a team of yours');
    }
    const filter = { range, userIds: [me], ...(teamId != null ? { teamIds: [teamId] } : {}) };
    const [usage, quotas] = await Promise.all([
      this.queries.summary(filter, Date.now(), summaryMeasures(selectedFields(info, ['usage']) ?? [])),
      this.quotas.onUserAndTheirKeys(me, teamId ?? null),
    ]);
    return { usage, quotas };
  }
}
