import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ClickHouseGateway } from './clickhouse.gateway';
import { ClickHouseMigrator } from './clickhouse-migrator';
import { registerClickHouseTableMetrics } from './clickhouse.metrics';

@Global()
@Module({
  providers: [
    {
      provide: ClickHouseGateway,
      inject: [APP_CONFIG, Registry],
      useFactory: async (config: AppConfig, registry: Registry) => {
        const gateway = await ClickHouseGateway.connect(config.clickhouse);
        if (config.runMigrations) await new ClickHouseMigrator(gateway).migrate();
        registerClickHouseTableMetrics(registry, gateway);
        return gateway;
      },
    },
  ],
  exports: [ClickHouseGateway],
})
export class ClickHouseModule implements OnApplicationShutdown {
  constructor(@Inject(ClickHouseGateway) private readonly gateway: ClickHouseGateway) {}

  async onApplicationShutdown(): Promise<void> {
    await this.gateway.close();
  }
}
