import { Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ClickHouseGateway } from './clickhouse.gateway';
import { ClickHouseMigrator, refuseClusterMigrations } from './clickhouse-migrator';
import { ClickHouseTableMetrics } from './clickhouse.metrics';

@Global()
@Module({
  providers: [
    {
      provide: ClickHouseGateway,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const gateway = await ClickHouseGateway.connect(config.clickhouse);
        if (config.runMigrations) {
          refuseClusterMigrations(config.clickhouse);
          await new ClickHouseMigrator(gateway).migrate();
        }
        return gateway;
      },
    },
    {
      provide: ClickHouseTableMetrics,
      inject: [Registry, ClickHouseGateway],
      useFactory: (registry: Registry, gateway: ClickHouseGateway) => new ClickHouseTableMetrics(registry, gateway),
    },
  ],
  exports: [ClickHouseGateway],
})
export class ClickHouseModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ClickHouseGateway) private readonly gateway: ClickHouseGateway,
    @Inject(ClickHouseTableMetrics) private readonly tableMetrics: ClickHouseTableMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.tableMetrics.start(this.config.metrics.refreshIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tableMetrics.stop();
    await this.gateway.close();
  }
}
