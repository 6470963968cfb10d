import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, ConfigModule } from '@app/config';
import { ClickHouseGateway, ClickHouseMigrator, ClickHouseModule } from '@app/clickhouse';
import { DatabaseModule, pendingPostgresMigrations } from '@app/database';
import { KafkaModule } from '@app/kafka';
import { MetricsModule } from '@app/observability';
import { waitForSchemas } from './schema-wait';

/** Resolved once the schemas this build needs are applied, by this process or by another. */
export const SCHEMA_READY = Symbol('SCHEMA_READY');

/**
 * The infrastructure every process needs: validated config, Postgres, ClickHouse, Kafka, metrics.
 * With RUN_MIGRATIONS the ClickHouse and Postgres providers migrate as they connect; without it
 * the process waits for the schema here. Providers only use the stores in lifecycle hooks, which
 * Nest calls after every provider (this one included) was made, so nothing runs on an old schema.
 */
@Module({})
export class PlatformModule {
  static register(config?: AppConfig): DynamicModule {
    const modules = [ConfigModule.forRoot(config), DatabaseModule, ClickHouseModule, KafkaModule, MetricsModule];
    return {
      module: PlatformModule,
      imports: modules,
      providers: [
        {
          provide: SCHEMA_READY,
          inject: [APP_CONFIG, ClickHouseGateway, getDataSourceToken()],
          useFactory: async (appConfig: AppConfig, clickhouse: ClickHouseGateway, postgres: DataSource) => {
            if (appConfig.runMigrations) return true;
            await waitForSchemas(
              [
                { name: 'clickhouse', pending: () => new ClickHouseMigrator(clickhouse).pending() },
                { name: 'postgres', pending: () => pendingPostgresMigrations(postgres) },
              ],
              { timeoutMs: appConfig.schemaWaitTimeoutMs },
            );
            return true;
          },
        },
      ],
      exports: modules,
    };
  }
}
