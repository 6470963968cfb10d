import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { AlertsModule } from '@app/alerts';
import { AnalyticsModule } from '@app/analytics';
import { AnomaliesModule } from '@app/anomalies';
import { AuthModule, RateLimitModule } from '@app/auth';
import { IngestApiModule } from '@app/ingest';
import { LedgerModule } from '@app/ledger';
import { PricingModule } from '@app/pricing';
import { TeamsModule } from '@app/teams';
import { DependencyHealth } from './dependency-health';
import { GraphQLApiModule } from './graphql/graphql.options';
import { HealthController } from './health.controller';
import { SqlModule } from './sql/sql.module';
import { PlatformModule } from '@app/platform';
import { WebModule } from './web/web.module';

export { GRAPHQL_PATH } from './graphql/graphql.options';

/**
 * GraphQL (code first), the REST endpoints (/v1/events, /v1/keys/verify, /v1/exports/usage.csv and
 * calls.csv, /health) and the web dashboard at /.
 */
export const API_FEATURE_MODULES = [
  RateLimitModule,
  AuthModule,
  GraphQLApiModule,
  IngestApiModule,
  AnalyticsModule,
  TeamsModule,
  PricingModule,
  SqlModule,
  AlertsModule,
  AnomaliesModule,
  LedgerModule,
  WebModule,
];

@Module({})
export class ApiModule {
  static register(config?: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [PlatformModule.register(config), ...API_FEATURE_MODULES],
      controllers: [HealthController],
      providers: [DependencyHealth],
    };
  }
}
