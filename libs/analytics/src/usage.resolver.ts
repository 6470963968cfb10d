import { Args, Query, Resolver } from '@nestjs/graphql';
import { UsageFilterInput } from './dto/usage-filter.input';
import { UsageSummary } from './dto/usage-summary.type';
import { UsageSummaryQuery } from './usage-summary.query';

@Resolver()
export class UsageResolver {
  constructor(private readonly summary: UsageSummaryQuery) {}

  @Query(() => UsageSummary)
  usageSummary(@Args('filter') filter: UsageFilterInput): Promise<UsageSummary> {
    return this.summary.execute(filter);
  }
}
