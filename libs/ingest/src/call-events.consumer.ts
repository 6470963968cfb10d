import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { AppConfig } from '@app/config';
import { IdempotentProducer } from '@app/kafka';
import { computeCost, PriceBook } from '@app/pricing';
import { decodeCallEvent } from './call-event-decoder';
import { CallEventRow, toCallEventRow } from './call-event-row';
import { CallEventWriter } from './call-event.writer';
import { IngestMetrics } from './ingest.metrics';
import { logger } from '@app/observability';

const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 10_000;

/**
 * The ingest worker: consumes calls.v1 in batches, sends invalid messages to the DLQ,
 * prices and writes the valid ones, and commits the offsets only after ClickHouse has
 * them. A ClickHouse failure is retried with backoff for as long as the consumer owns the
 * partition; nothing is skipped and nothing is committed ahead of what was written.
 */
export class CallEventsConsumer {
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly config: AppConfig,
    private readonly writer: CallEventWriter,
    private readonly prices: PriceBook,
    private readonly dlqProducer: IdempotentProducer,
    private readonly metrics: IngestMetrics,
  ) {
    this.consumer = kafka.consumer({
      groupId: config.kafka.consumerGroup,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: config.ingest.batchMaxWaitMs,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.config.kafka.callsTopic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async handleBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    if (messages.length === 0) return;
    await this.prices.refreshIfStale();
    const rows: CallEventRow[] = [];
    const rejected: Array<{ message: KafkaMessage; reason: string }> = [];
    const now = Date.now();
    for (const message of messages) {
      const decoded = decodeCallEvent(message.value, now);
      if (!decoded.ok) {
        rejected.push({ message, reason: decoded.reason });
        continue;
      }
      const event = decoded.event;
      const price = this.prices.priceAt(event.model, Date.parse(event.occurred_at));
      const money = price
        ? computeCost(event, price, this.config.pricing.creditsPerUnit)
        : { cost: '0', credits: '0' };
      rows.push(
        toCallEventRow(
          event,
          { ...money, priceId: price?.id ?? '', priced: price !== undefined },
          { partition, offset: message.offset },
        ),
      );
    }

    const first = messages[0].offset;
    const last = messages[messages.length - 1].offset;
    await this.untilDone(`dlq ${topic}/${partition}`, isRunning, isStale, heartbeat, () => this.sendToDlq(topic, partition, rejected));
    const started = process.hrtime.bigint();
    const result = await this.untilDone(`insert ${topic}/${partition}`, isRunning, isStale, heartbeat, () =>
      this.writer.write(rows, `${topic}:${partition}:${first}-${last}`),
    );
    this.metrics.observeBatch(partition, rows.length, Number(process.hrtime.bigint() - started) / 1e9, result, rejected);

    await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
  }

  private async sendToDlq(topic: string, partition: number, rejected: Array<{ message: KafkaMessage; reason: string }>) {
    await this.dlqProducer.send(
      this.config.kafka.callsDlqTopic,
      rejected.map(({ message, reason }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          'dlq-reason': reason,
          'dlq-source-topic': topic,
          'dlq-source-partition': String(partition),
          'dlq-source-offset': message.offset,
        },
      })),
    );
  }

  /** Retries `fn` with capped exponential backoff while this consumer still owns the batch. */
  private async untilDone<T>(
    what: string,
    isRunning: () => boolean,
    isStale: () => boolean,
    heartbeat: () => Promise<void>,
    fn: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        this.metrics.writeFailures.inc({ stage: what.split(' ')[0] });
        logger.warn('ingest step failed, will retry', { step: what, attempt, error: String(error) });
        if (!isRunning() || isStale()) throw error;
        await new Promise((r) => setTimeout(r, Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt)));
        await heartbeat().catch(() => undefined);
        if (!isRunning() || isStale()) throw error;
      }
    }
  }
}
