import type { Batch, Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import { logger } from '@app/observability/logger';
import { BatchOwnership, BatchSteps, Chunk, commitThrough, RETRY_MAX_MS, retryWhileOwned } from './batch-steps';
import { DeadLetterPolicy, RejectedMessage } from './dead-letters';

const HEARTBEAT_MS = 1_000;

/** Where a chunk starts and ends in its batch's messages (end exclusive). */
export interface ChunkBounds {
  start: number;
  end: number;
  retry: boolean;
}

export interface Decoded<R> {
  records: R;
  rejected: RejectedMessage[];
}

/**
 * The storage side of a consumer: how a chunk's messages become what is kept, and keeping it.
 * The loop calls plan once per fetched batch, then decode and store per chunk; it commits a
 * chunk only after store returned.
 */
export interface BatchHandler<R> {
  /** How a fetched batch is cut into chunks; without it, the whole batch is one chunk. */
  plan?(batch: Batch, steps: BatchSteps): Promise<ChunkBounds[]>;
  decode(chunk: Chunk, steps: BatchSteps): Promise<Decoded<R>>;
  store(decoded: Decoded<R>, chunk: Chunk, steps: BatchSteps): Promise<void>;
}

export interface BatchConsumerHooks {
  /** A batch was fetched; `nextOffset` is its first offset. */
  onFetch?(partition: number, highWatermark: string, nextOffset: string): void;
  /** Offsets below `nextOffset` are committed. */
  onCommitted?(partition: number, highWatermark: string, nextOffset: string): void;
  /** The group (re)assigned this consumer's partitions of the topic. */
  onAssigned?(partitions: number[]): void;
  /** Every crash, whether kafkajs restarts the consumer itself or the loop does. */
  onCrash?(): void;
  onStepFailure?(stage: string, attempt: number, error: unknown): void;
}

export interface BatchConsumerOptions<R> {
  /** names the consumer in log lines */
  name: string;
  kafka: Kafka;
  topic: string;
  consumer: ConsumerConfig;
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  handler: BatchHandler<R>;
  deadLetters: DeadLetterPolicy;
  hooks?: BatchConsumerHooks;
  restartDelayMs?: number;
}

/**
 * The one Kafka consumer loop of the services. Per fetched batch it asks the handler for the
 * chunk plan, then per chunk: decode, hand the rejected messages to the dead-letter policy,
 * store, commit through the chunk's last offset. Every step is retried while this consumer
 * owns the partition, so nothing is skipped and nothing is committed ahead of what was stored;
 * it heartbeats during long chunks, and starts the consumer again after a crash kafkajs does
 * not recover from itself (it restarts only after retriable failures).
 */
export class BatchConsumer<R> {
  private readonly consumer: Consumer;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;

  constructor(private readonly options: BatchConsumerOptions<R>) {
    this.consumer = options.kafka.consumer({ heartbeatInterval: HEARTBEAT_MS, ...options.consumer });
  }

  async start(): Promise<void> {
    const { name, topic, hooks } = this.options;
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      hooks?.onCrash?.();
      if (payload.restart || this.stopping) return;
      logger.error(`${name} consumer crashed; starting it again`, { error: String(payload.error) });
      this.scheduleRestart();
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      hooks?.onAssigned?.(payload.memberAssignment[topic] ?? []);
    });
    await this.run();
  }

  /** Stops fetching, lets the chunk in hand finish (stored and committed, or not committed), leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.consumer.disconnect();
  }

  /** Starts the consumer again after the delay, and again after each failed start (the broker may be down). */
  private scheduleRestart(): void {
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.run().catch((error) => {
        logger.error(`${this.options.name} consumer restart failed; trying again`, { error: String(error) });
        this.scheduleRestart();
      });
    }, this.options.restartDelayMs ?? RETRY_MAX_MS);
  }

  private async run(): Promise<void> {
    if (this.stopping) return;
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { handler, deadLetters, hooks } = this.options;
    const heartbeat = () => payload.heartbeat();
    const isRunning = () => payload.isRunning();
    const isStale = () => payload.isStale();
    const steps = this.stepsFor({ heartbeat, isRunning, isStale });
    // kafkajs heartbeats only when asked; a long chunk must not outlast the session timeout
    const keepAlive = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
    try {
      const first = batch.firstOffset();
      if (first === null) return;
      hooks?.onFetch?.(batch.partition, batch.highWatermark, first);
      const plan = handler.plan
        ? await handler.plan(batch, steps)
        : [{ start: 0, end: batch.messages.length, retry: false }];
      for (const { start, end, retry } of plan) {
        if (!isRunning() || isStale()) return;
        const chunk: Chunk = {
          topic: batch.topic,
          partition: batch.partition,
          highWatermark: batch.highWatermark,
          messages: batch.messages.slice(start, end),
          retry,
        };
        if (chunk.messages.length === 0) continue;
        const decoded = await handler.decode(chunk, steps);
        await deadLetters.handle(decoded.rejected, chunk, steps);
        await handler.store(decoded, chunk, steps);
        const last = chunk.messages[chunk.messages.length - 1].offset;
        // what was stored is safe if this commit fails: the handler's idempotence covers the redelivery
        await commitThrough(payload, last);
        hooks?.onCommitted?.(batch.partition, batch.highWatermark, (BigInt(last) + 1n).toString());
        await heartbeat();
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  private stepsFor(owner: BatchOwnership): BatchSteps {
    const { name, hooks } = this.options;
    return {
      retry: (stage, step) =>
        retryWhileOwned(step, owner, (attempt, error) => {
          hooks?.onStepFailure?.(stage, attempt, error);
          logger.warn(`${name} step failed; retrying`, { stage, attempt, error: String(error) });
        }),
    };
  }
}
