import { Module } from '@nestjs/common';
import { TeamsModule } from '@app/teams';
import { CallLogsQuery } from './call-logs.query';
import { LabelDirectory } from './label-directory';
import { LiveUsageHub } from './live-usage.hub';
import { MyUsageResolver } from './my-usage.resolver';
import { UsageAccessPolicy } from './usage-access.policy';
import { UsageAggregator } from './usage-aggregator';
import { UsageExportController } from './usage-export.controller';
import { UsageQueries } from './usage-queries';
import { UsageResolver } from './usage.resolver';

/** Usage reads and their access scope; who belongs where comes from the teams module's readers. */
@Module({
  imports: [TeamsModule],
  controllers: [UsageExportController],
  providers: [
    LiveUsageHub,
    UsageAggregator,
    UsageQueries,
    CallLogsQuery,
    LabelDirectory,
    UsageAccessPolicy,
    UsageResolver,
    MyUsageResolver,
  ],
  exports: [LiveUsageHub, UsageQueries, UsageAggregator, UsageAccessPolicy],
})
export class AnalyticsModule {}
