import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Expensive, Principal } from '@app/auth';
import { Granularity, UsageDimension } from '@app/catalog';
import { checkGroupBy, CostReportQuery } from './cost-report.query';
import { CostRowConnection } from './dto/cost-report.types';
import { UsageFilterInput } from './dto/usage-filter.input';
import { UsageAccessPolicy } from './usage-access.policy';

/** Thin: check the grouping, scope the filter as every usage answer (UsageAccessPolicy), then read. */
@Resolver()
export class CostReportResolver {
  constructor(
    private readonly report: CostReportQuery,
    private readonly access: UsageAccessPolicy,
  ) {}

  @Query(() => CostRowConnection, {
    description:
      'Cost and usage by any combination of dimensions (TAG excepted), optionally per time bucket; ' +
      'rows in the order (bucket, keys); their totals equal usageSummary',
  })
  @Expensive(2)
  async costReport(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: UsageFilterInput,
    @Args('groupBy', { type: () => [UsageDimension] }) groupBy: UsageDimension[],
    @Args('granularity', { type: () => Granularity, nullable: true }) granularity?: Granularity,
    @Args('first', { type: () => Int, defaultValue: 100 }) first = 100,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<CostRowConnection> {
    checkGroupBy(groupBy);
    const scoped = await this.access.scope(principal, filter, 'aggregates');
    return this.report.execute(scoped, {
      groupBy,
      granularity: granularity ?? undefined,
      first,
      after: after ?? undefined,
    });
  }
}
