import { Module } from '@nestjs/common';
import { CallLogsQuery } from './call-logs.query';
import { LabelDirectory } from './label-directory';
import { LiveUsageHub } from './live-usage.hub';
import { UsageAccessPolicy } from './usage-access.policy';
import { UsageAggregator } from './usage-aggregator';
import { UsageExportController } from './usage-export.controller';
import { UsageQueries } from './usage-queries';
import { UsageResolver } from './usage.resolver';

@Module({
  controllers: [UsageExportController],
  providers: [LiveUsageHub, UsageAggregator, UsageQueries, CallLogsQuery, LabelDirectory, UsageAccessPolicy, UsageResolver],
  exports: [LiveUsageHub, UsageQueries, UsageAggregator, UsageAccessPolicy],
})
export class AnalyticsModule {}
