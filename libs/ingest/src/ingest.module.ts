import { BeforeApplicationShutdown, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { DataSource, type Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ClickHouseGateway } from '@app/clickhouse';
import { IdempotentProducer } from '@app/kafka';
import { ModelPrice, PriceBook } from '@app/pricing';
import { CallEventIntakeService } from './call-event-intake.service';
import { CallEventWriter, WriteFaultInjector } from './call-event.writer';
import { CallEventsConsumer } from './call-events.consumer';
import { EventsController } from './events.controller';
import { IngestMetrics } from './ingest.metrics';
import { postgresTestKeyLookup, TestKeyDirectory } from './test-key-directory';

/** HTTP intake: POST /v1/events → calls.v1. */
@Module({
  controllers: [EventsController],
  providers: [CallEventIntakeService],
})
export class IngestApiModule {}

/** The consumer group that turns calls.v1 into call_events rows. */
@Module({
  imports: [TypeOrmModule.forFeature([ModelPrice])],
  providers: [
    { provide: IngestMetrics, inject: [Registry], useFactory: (registry: Registry) => new IngestMetrics(registry) },
    {
      provide: CallEventWriter,
      inject: [ClickHouseGateway, APP_CONFIG],
      useFactory: (ch: ClickHouseGateway, config: AppConfig) =>
        new CallEventWriter(
          ch,
          new WriteFaultInjector(config.ingest.faultWriteFailureMs),
          config.ingest.dedupByEventId,
        ),
    },
    {
      provide: PriceBook,
      inject: [getRepositoryToken(ModelPrice)],
      useFactory: (repo: Repository<ModelPrice>) => new PriceBook(repo),
    },
    {
      provide: TestKeyDirectory,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) =>
        new TestKeyDirectory(postgresTestKeyLookup((sql, params) => dataSource.query(sql, params))),
    },
    {
      provide: CallEventsConsumer,
      inject: [Kafka, APP_CONFIG, CallEventWriter, PriceBook, IdempotentProducer, IngestMetrics, TestKeyDirectory],
      useFactory: (...deps: ConstructorParameters<typeof CallEventsConsumer>) => new CallEventsConsumer(...deps),
    },
  ],
})
export class IngestWorkerModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(CallEventsConsumer) private readonly consumer: CallEventsConsumer) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  // before ClickHouse and Kafka clients close: the batch in hand is finished first
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
