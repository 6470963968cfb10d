import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { ClickHouseModule } from '@app/clickhouse';
import { DatabaseModule } from '@app/database';
import { KafkaModule } from '@app/kafka';
import { MetricsModule } from '@app/observability';

/** The infrastructure every process needs: validated config, Postgres, ClickHouse, Kafka, metrics. */
@Module({})
export class PlatformModule {
  static register(config?: AppConfig): DynamicModule {
    const modules = [ConfigModule.forRoot(config), DatabaseModule, ClickHouseModule, KafkaModule, MetricsModule];
    return { module: PlatformModule, imports: modules, exports: modules };
  }
}
