import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { AppConfig } from '@app/config';
import { AnalyticsModule } from '@app/analytics';
import { AuthModule, RateLimitModule } from '@app/auth';
import { formatGraphQLError } from '@app/errors';
import { IngestApiModule } from '@app/ingest';
import { PricingModule } from '@app/pricing';
import { TeamsModule } from '@app/teams';
import { DependencyHealth } from './dependency-health';
import { HealthController } from './health.controller';
import { PlatformModule } from './platform.module';

export const GRAPHQL_PATH = '/graphql';

/** GraphQL (code first) and the REST endpoints of API.md. */
export const API_FEATURE_MODULES = [
  RateLimitModule,
  AuthModule,
  GraphQLModule.forRoot<ApolloDriverConfig>({
    driver: ApolloDriver,
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    introspection: true,
    // HTTP requests carry their headers; graphql-ws connections pass the token in connectionParams
    context: (ctx: { req?: unknown; connectionParams?: Record<string, unknown> }) =>
      ctx.req ? { req: ctx.req } : { req: { headers: { authorization: ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization } } },
    subscriptions: { 'graphql-ws': true },
    formatError: formatGraphQLError,
  }),
  IngestApiModule,
  AnalyticsModule,
  TeamsModule,
  PricingModule,
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
