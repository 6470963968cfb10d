import { Module } from '@nestjs/common';
import { UsageResolver } from './usage.resolver';
import { UsageSummaryQuery } from './usage-summary.query';

@Module({
  providers: [UsageSummaryQuery, UsageResolver],
  exports: [UsageSummaryQuery],
})
export class AnalyticsModule {}
