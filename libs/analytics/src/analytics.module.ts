import { Module } from '@nestjs/common';
import { CallLogsQuery } from './call-logs.query';
import { LabelDirectory } from './label-directory';
import { UsageAccessPolicy } from './usage-access.policy';
import { UsageAggregator } from './usage-aggregator';
import { UsageExportController } from './usage-export.controller';
import { UsageQueries } from './usage-queries';
import { UsageResolver } from './usage.resolver';

@Module({
  controllers: [UsageExportController],
  providers: [UsageAggregator, UsageQueries, CallLogsQuery, LabelDirectory, UsageAccessPolicy, UsageResolver],
  exports: [UsageQueries, UsageAggregator, UsageAccessPolicy],
})
export class AnalyticsModule {}
