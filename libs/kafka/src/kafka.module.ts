import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { createKafka } from './kafka.factory';
import { IdempotentProducer } from './idempotent-producer';
import { applicationTopics, ensureTopics } from './topics';

@Global()
@Module({
  providers: [
    {
      provide: Kafka,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const kafka = createKafka(config.kafka);
        await ensureTopics(kafka, applicationTopics(config.kafka));
        return kafka;
      },
    },
    {
      provide: IdempotentProducer,
      inject: [Kafka],
      useFactory: async (kafka: Kafka) => {
        const producer = new IdempotentProducer(kafka);
        await producer.connect();
        return producer;
      },
    },
  ],
  exports: [Kafka, IdempotentProducer],
})
export class KafkaModule implements OnApplicationShutdown {
  constructor(@Inject(IdempotentProducer) private readonly producer: IdempotentProducer) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}
