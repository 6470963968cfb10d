import { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { AppConfig } from '@app/config';
import {
  BatchOwnership,
  commitThrough,
  IdempotentProducer,
  MAX_REQUEST_BYTES,
  RETRY_MAX_MS,
  retryWhileOwned,
} from '@app/kafka';
import { logger } from '@app/observability';
import { PriceBook } from '@app/pricing';
import { CallEventRow } from './call-event-row';
import { CallEventWriter } from './call-event.writer';
import { planChunks } from './chunk-plan';
import { IngestMetrics } from './ingest.metrics';
import { toRowOrReason } from './message-to-row';

const HEARTBEAT_MS = 1_000;
const DLQ_MAX_VALUE_BYTES = MAX_REQUEST_BYTES - 16 * 1024;

import type { RejectedMessage } from './rejected-message';

export type { RejectedMessage };

/**
 * The ingest worker: consumes calls.v1 in batches (the broker returns a fetch once
 * INGEST_FETCH_MIN_BYTES are there or INGEST_BATCH_MAX_WAIT_MS passed; each fetch is written
 * in chunks of at most INGEST_BATCH_MAX_EVENTS), sends invalid messages to the DLQ, prices
 * and writes the valid ones, and commits a chunk's offsets only after ClickHouse has it.
 * A failing step is retried with backoff for as long as this consumer owns the partition:
 * nothing is skipped and nothing is committed ahead of what was written.
 */
export class CallEventsConsumer {
  private readonly consumer: Consumer;
  private writeQueue: Promise<unknown> = Promise.resolve();
  private stopping = false;

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
      minBytes: config.ingest.fetchMinBytes,
      maxWaitTimeInMs: config.ingest.batchMaxWaitMs,
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      // a crashed worker's partitions move to the others after 10 s, not the default 30
      sessionTimeout: 10_000,
      heartbeatInterval: HEARTBEAT_MS,
    });
  }

  async start(): Promise<void> {
    // kafkajs restarts itself after retriable failures only; a consumer that stopped for good
    // while the process lives would leave the stream unread, so it is started again here
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.metrics.consumerCrashes.inc();
      if (payload.restart || this.stopping) return;
      logger.error('ingest consumer crashed; starting it again', { error: String(payload.error) });
      setTimeout(
        () =>
          void this.run().catch((error) => logger.error('ingest consumer restart failed', { error: String(error) })),
        RETRY_MAX_MS,
      );
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.metrics.keepPartitions(payload.memberAssignment[this.config.kafka.callsTopic] ?? []);
    });
    await this.run();
  }

  private async run(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.config.kafka.callsTopic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // partitions are decoded and priced concurrently, so one partition's JavaScript work
      // overlaps another's ClickHouse write; the dedup check and insert stay serial (see serially)
      partitionsConsumedConcurrently: this.config.kafka.topicPartitions,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Stops fetching, lets the batch in hand finish (written and committed, or not committed), leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const control: BatchOwnership = { heartbeat, isRunning, isStale };
    const size = this.config.ingest.batchMaxEvents;
    // kafkajs heartbeats only when asked; a large chunk must not outlast the session timeout
    const keepAlive = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
    try {
      const first = batch.firstOffset();
      if (first === null) return;
      this.metrics.observeFetch(batch.partition, batch.highWatermark, first);
      const recorded = await this.retrying('plan', control, () => this.writer.recordedChunks(batch.topic, batch.partition, first));
      const chunks = planChunks(batch.messages.map((m) => m.offset), size, recorded);
      for (const { start, retry } of chunks) {
        const offset = batch.messages[start].offset;
        if (!retry && recorded.has(offset)) {
          // only a chunk larger than one fetch gets here: its retry carries a new token
          logger.warn('a recorded chunk cannot be repeated: the batch ends before it does', {
            partition: batch.partition,
            offset,
          });
        }
      }
      for (const { start, end, retry } of chunks) {
        if (!isRunning() || isStale()) return;
        const chunk = batch.messages.slice(start, end);
        const last = await this.handleChunk(batch, chunk, control, retry);
        // what was written is safe if this commit fails: its redelivery repeats the recorded chunk
        // (same token) or, cut differently, is dropped as known
        await commitThrough(payload, last);
        this.metrics.observeProgress(batch.partition, batch.highWatermark, (BigInt(last) + 1n).toString());
        await heartbeat();
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Validates, prices, writes one chunk; returns the last offset it covered. */
  private async handleChunk(
    batch: Batch,
    messages: KafkaMessage[],
    control: BatchOwnership,
    retry: boolean,
  ): Promise<string> {
    const { topic, partition } = batch;
    // a Postgres outage is retried like a ClickHouse one; thrown, it would restart the consumer
    await this.retrying('prices', control, () => this.prices.refreshIfStale());
    const { rows, rejected } = this.priceAndValidate(messages, partition);
    const first = messages[0].offset;
    const last = messages[messages.length - 1].offset;

    const started = process.hrtime.bigint();
    await this.retrying('dlq', control, () => this.sendToDlq(topic, partition, rejected));
    if (!retry) await this.retrying('record', control, () => this.writer.recordChunk(topic, partition, first, last));
    const written = await this.serially(async () => {
      const fresh = await this.retrying('dedup', control, () => this.writer.dropKnown(rows, { retry }));
      await this.retrying('insert', control, () => this.writer.insert(fresh, `${topic}:${partition}:${first}-${last}`));
      return fresh.length;
    });

    this.metrics.observeChunk({
      partition,
      read: messages.length,
      written,
      duplicates: rows.length - written,
      rejected,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      lag: Number(batch.highWatermark) - Number(last) - 1,
    });
    return last;
  }

  /**
   * Runs dedup-then-insert steps one at a time: an event id that reached two partitions
   * (producers with different partitioners) must see the other's insert before its own check.
   */
  private serially<T>(step: () => Promise<T>): Promise<T> {
    const result = this.writeQueue.then(step);
    this.writeQueue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Every message ends as a row or a DLQ reason (toRowOrReason never throws), so none can stop the partition. */
  private priceAndValidate(messages: KafkaMessage[], partition: number): { rows: CallEventRow[]; rejected: RejectedMessage[] } {
    const rows: CallEventRow[] = [];
    const rejected: RejectedMessage[] = [];
    const deps = {
      partition,
      now: Date.now(),
      creditsPerUnit: this.config.pricing.creditsPerUnit,
      priceAt: (model: string, at: number) => this.prices.priceAt(model, at),
    };
    for (const message of messages) {
      const result = toRowOrReason(message, deps);
      if (result.row) rows.push(result.row);
      else rejected.push({ message, reason: result.reason });
    }
    return { rows, rejected };
  }

  private async sendToDlq(topic: string, partition: number, rejected: RejectedMessage[]): Promise<void> {
    await this.dlqProducer.send(
      this.config.kafka.callsDlqTopic,
      rejected.map(({ message, reason }) => {
        // keep the DLQ writable whatever arrived: a message near the broker's size limit is cut
        const value = message.value;
        const truncated = value !== null && value.length > DLQ_MAX_VALUE_BYTES;
        return {
          key: message.key,
          value: truncated ? value.subarray(0, DLQ_MAX_VALUE_BYTES) : value,
          headers: {
            ...message.headers,
            ...(truncated ? { 'dlq-truncated-from-bytes': String(value.length) } : {}),
            'dlq-reason': reason,
            'dlq-source-topic': topic,
            'dlq-source-partition': String(partition),
            'dlq-source-offset': message.offset,
          },
        };
      }),
    );
  }

  private retrying<T>(stage: string, control: BatchOwnership, step: () => Promise<T>): Promise<T> {
    return retryWhileOwned(step, control, (attempt, error) => {
      this.metrics.stepFailures.inc({ stage });
      logger.warn('ingest step failed; retrying', { stage, attempt, error: String(error) });
    });
  }
}
