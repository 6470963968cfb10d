import { Args, Field, Float, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TimeRangeInput, UsageQueries, UsageSummary } from '@app/analytics';
import { CurrentPrincipal, Expensive, ForbiddenError, Principal } from '@app/auth';
import { assertUuid } from './commands';
import { QuotaType, toQuota } from './graphql-types';
import { QuotaUseReader } from './quota-use.reader';

@ObjectType('QuotaUsage')
export class QuotaUsageType {
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
    private readonly quotaUse: QuotaUseReader,
    @InjectDataSource() private readonly postgres: DataSource,
  ) {}

  @Query(() => PersonalUsageType, { description: 'teamId absent: my usage in every space, personal included' })
  @Expensive(1)
  async myUsage(
    @CurrentPrincipal() principal: Principal,
    @Args('range', { type: () => TimeRangeInput }) range: TimeRangeInput,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string,
  ): Promise<PersonalUsageType> {
    if (principal?.kind !== 'user') throw new ForbiddenError('myUsage needs a user access token');
    const me = principal.userId;
    if (teamId) {
      assertUuid(teamId, 'teamId');
      const [member] = await this.postgres.query('SELECT 1 FROM memberships WHERE team_id = $1 AND user_id = $2', [teamId, me]);
      if (!member) throw new ForbiddenError('teamId: not a team of yours');
    }
    const usage = await this.queries.summary({ range, userIds: [me], ...(teamId ? { teamIds: [teamId] } : {}) });
    const rows = await this.postgres.query(
      `SELECT q.* FROM quotas q LEFT JOIN api_keys k ON k.id = q.api_key_id
       WHERE (q.user_id = $1 OR k.user_id = $1) AND ($2::uuid IS NULL OR q.team_id = $2)`,
      [me, teamId ?? null],
    );
    const now = Date.now();
    const quotas = await Promise.all(
      rows.map(async (row: Record<string, string>) => {
        const quota = toQuota(row);
        const used = await this.quotaUse.used(quota.teamId, quota.userId ? 'user_id' : 'api_key_id', (quota.userId ?? quota.apiKeyId)!, quota.unit, quota.period, now);
        return { quota, used, remaining: quota.limit - used, percentUsed: quota.limit > 0 ? (100 * used) / quota.limit : used > 0 ? 100 : 0 };
      }),
    );
    return { usage, quotas };
  }
}
