import { Module } from '@nestjs/common';
import { TeamsModule } from '@app/teams';
import { BreakdownRowResolver } from './breakdown-row.resolver';
import { CallLogExportController } from './call-log-export.controller';
import { CallLogsQuery } from './call-logs.query';
import { CostReportQuery } from './cost-report.query';
import { CostReportResolver } from './cost-report.resolver';
import { LabelDirectory } from './label-directory';
import { ListCursors } from './list-cursor';
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
  controllers: [UsageExportController, CallLogExportController],
  providers: [
    LiveUsageHub,
    UsageAggregator,
    UsageQueries,
    CallLogsQuery,
    CostReportQuery,
    CostReportResolver,
    ListCursors,
    LabelDirectory,
    UsageAccessPolicy,
    UsageResolver,
    MyUsageResolver,
    BreakdownRowResolver,
  ],
  exports: [LiveUsageHub, UsageQueries, UsageAggregator, UsageAccessPolicy],
})
export class AnalyticsModule {}
