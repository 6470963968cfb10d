import type { Batch, Kafka, KafkaMessage } from 'kafkajs';
import type { AppConfig } from '@app/config';
import {
  BatchConsumer,
  BatchHandler,
  BatchSteps,
  Chunk,
  ChunkBounds,
  DeadLetterPolicy,
  Decoded,
  IdempotentProducer,
  RejectedMessage,
  sendToDeadLetterTopic,
} from '@app/kafka';
import { logger } from '@app/observability';
import { PriceBook } from '@app/pricing';
import { CallEventRow } from './call-event-row';
import { CallEventWriter } from './call-event.writer';
import { planChunks } from './chunk-plan';
import { IngestMetrics } from './ingest.metrics';
import { toRowOrReason } from './message-to-row';
import { TestKeyDirectory } from './test-key-directory';

/**
 * The ingest worker: consumes calls.v1 in batches (the broker returns a fetch once
 * INGEST_FETCH_MIN_BYTES are there or INGEST_BATCH_MAX_WAIT_MS passed; each fetch is written
 * in chunks of at most INGEST_BATCH_MAX_EVENTS), sends invalid messages to the DLQ, prices
 * and writes the valid ones, and commits a chunk's offsets only after ClickHouse has it.
 * The loop (retry while owned, commit, restart after a crash) is libs/kafka's BatchConsumer;
 * this class is its storage side.
 */
export class CallEventsConsumer implements BatchHandler<CallEventRow[]> {
  private readonly loop: BatchConsumer<CallEventRow[]>;
  /** dedup-then-insert steps, one at a time (see store) */
  private readonly writes = new Turns();
  /**
   * Decoding, one partition's chunk at a time: the partitions of a fetch are handed over
   * together, and decoded side by side they would all finish last; in turn, the first goes on to
   * its lookups and insert (the engine works off the main thread) while the next decodes.
   */
  private readonly decodes = new Turns();
  /** when a chunk's DLQ + dedup + insert began, per partition, for ingest_write_seconds */
  private readonly writeStarted = new Map<number, bigint>();
  /**
   * Per partition, the offset after the last chunk this consumer recorded and committed itself
   * since the group last assigned it its partitions: a batch that starts there follows its own
   * commit, so no recorded chunk can start in it (another owner would have needed the partition,
   * which a rebalance, clearing this, precedes) and the plan needs no lookup.
   */
  private readonly continuesAt = new Map<number, string>();

  constructor(
    kafka: Kafka,
    private readonly config: AppConfig,
    private readonly writer: CallEventWriter,
    private readonly prices: PriceBook,
    dlqProducer: IdempotentProducer,
    private readonly metrics: IngestMetrics,
    private readonly testKeys: TestKeyDirectory,
  ) {
    this.loop = new BatchConsumer({
      name: 'ingest',
      kafka,
      topic: config.kafka.callsTopic,
      consumer: {
        groupId: config.kafka.consumerGroup,
        minBytes: config.ingest.fetchMinBytes,
        maxWaitTimeInMs: config.ingest.batchMaxWaitMs,
        maxBytesPerPartition: 16 * 1024 * 1024,
        maxBytes: 64 * 1024 * 1024,
        // a crashed worker's partitions move to the others after 10 s, not the default 30
        sessionTimeout: 10_000,
      },
      // partitions are handled concurrently, so one partition's JavaScript work overlaps another's
      // ClickHouse write; decoding, and the dedup check with the insert, each go in turn (Turns)
      partitionsConsumedConcurrently: config.kafka.topicPartitions,
      handler: this,
      deadLetters: timedDeadLetters(metrics, sendToDeadLetterTopic(dlqProducer, config.kafka.callsDlqTopic)),
      hooks: {
        onFetch: (partition, highWatermark, next) => metrics.observeFetch(partition, highWatermark, next),
        onCommitted: (partition, highWatermark, next) => {
          this.continuesAt.set(partition, next);
          metrics.observeProgress(partition, highWatermark, next);
        },
        onAssigned: (partitions) => {
          this.continuesAt.clear();
          metrics.keepPartitions(partitions);
        },
        onCrash: () => metrics.consumerCrashes.inc(),
        onStepFailure: (stage) => metrics.stepFailures.inc({ stage }),
      },
    });
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  /** Stops fetching, lets the chunk in hand finish (written and committed, or not committed), leaves the group. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * Cuts the fetch at the offsets of chunks an earlier owner recorded, so a chunk that was
   * written in part is sent again whole, with the same deduplication token.
   */
  async plan(batch: Batch, steps: BatchSteps): Promise<ChunkBounds[]> {
    const first = batch.messages[0].offset;
    const recorded =
      this.continuesAt.get(batch.partition) === first
        ? new Map<string, string>()
        : await this.metrics.timeStage('plan', () =>
            steps.retry('plan', () => this.writer.recordedChunks(batch.topic, batch.partition, first)),
          );
    const chunks = planChunks(
      batch.messages.map((m) => m.offset),
      this.config.ingest.batchMaxEvents,
      recorded,
    );
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
    return chunks;
  }

  /**
   * Prices and validates; every message ends as a row or a DLQ reason, so none can stop the
   * partition. Then flags the calls of test keys (the key directory in Postgres says which).
   */
  async decode(chunk: Chunk, steps: BatchSteps): Promise<Decoded<CallEventRow[]>> {
    // a Postgres outage is retried like a ClickHouse one; thrown, it would restart the consumer
    await this.metrics.timeStage('prices', () => steps.retry('prices', () => this.prices.refreshIfStale()));
    const decoded = await this.metrics.timeStage('decode', () =>
      this.decodes.run(() => this.priceAndValidate(chunk.messages, chunk.partition)),
    );
    await this.metrics.timeStage('test-keys', () =>
      steps.retry('test-keys', () => this.testKeys.learn(decoded.records.map((row) => row.api_key_id))),
    );
    for (const row of decoded.records) row.is_test = this.testKeys.isTest(row.api_key_id);
    this.writeStarted.set(chunk.partition, process.hrtime.bigint());
    return decoded;
  }

  /** Records the chunk (first time only), then drops known event ids and inserts, with the chunk's token. */
  async store({ records: rows, rejected }: Decoded<CallEventRow[]>, chunk: Chunk, steps: BatchSteps): Promise<void> {
    const { topic, partition, messages, retry } = chunk;
    const first = messages[0].offset;
    const last = messages[messages.length - 1].offset;
    // until this chunk is committed, a batch starting at its first offset may repeat it
    this.continuesAt.delete(partition);
    if (!retry) {
      await this.metrics.timeStage('record', () =>
        steps.retry('record', () => this.writer.recordChunk(topic, partition, first, last)),
      );
    }
    // an event id that reached two partitions (producers with different partitioners) must see
    // the other's insert before its own check
    const written = await this.writes.run(async () => {
      const fresh = await this.metrics.timeStage('dedup', () =>
        steps.retry('dedup', () => this.writer.dropKnown(rows, { retry })),
      );
      await this.metrics.timeStage('insert', () =>
        steps.retry('insert', () => this.writer.insert(fresh, `${topic}:${partition}:${first}-${last}`)),
      );
      return fresh.length;
    });
    const started = this.writeStarted.get(partition) ?? process.hrtime.bigint();
    this.metrics.observeChunk({
      partition,
      read: messages.length,
      written,
      duplicates: rows.length - written,
      rejected,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      lag: Number(chunk.highWatermark) - Number(last) - 1,
    });
  }

  private async priceAndValidate(messages: KafkaMessage[], partition: number): Promise<Decoded<CallEventRow[]>> {
    const rows: CallEventRow[] = [];
    const rejected: RejectedMessage[] = [];
    const deps = {
      partition,
      now: Date.now(),
      creditsPerUnit: this.config.pricing.creditsPerUnit,
      horizonDays: this.config.ingest.horizonDays,
      priceAt: (model: string, at: number) => this.prices.priceAt(model, at),
    };
    for (let start = 0; start < messages.length; start += DECODE_SLICE) {
      // lets the replies of other partitions' lookups and inserts in, so their next step starts
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      for (const message of messages.slice(start, start + DECODE_SLICE)) {
        const result = toRowOrReason(message, deps);
        if (result.row) rows.push(result.row);
        else rejected.push({ message, reason: result.reason });
      }
    }
    return { records: rows, rejected };
  }
}

/** Messages decoded between two yields to the event loop (about 50-100 ms on this machine's cores). */
const DECODE_SLICE = 2_000;

/** Runs steps one at a time, in the order they were asked for; a failed step does not stop the next. */
class Turns {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T>): Promise<T> {
    const result = this.tail.then(step);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** The DLQ step's time counts as the stage `dlq`. */
function timedDeadLetters(metrics: IngestMetrics, policy: DeadLetterPolicy): DeadLetterPolicy {
  return { handle: (rejected, chunk, steps) => metrics.timeStage('dlq', () => policy.handle(rejected, chunk, steps)) };
}
