import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ClickHouseGateway } from './clickhouse.gateway';
import { ClickHouseMigrator } from './clickhouse-migrator';

@Global()
@Module({
  providers: [
    {
      provide: ClickHouseGateway,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const gateway = await ClickHouseGateway.connect(config.clickhouse);
        if (config.runMigrations) await new ClickHouseMigrator(gateway).migrate();
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
