import type { EachBatchPayload, KafkaMessage } from 'kafkajs';

export const RETRY_BASE_MS = 200;
export const RETRY_MAX_MS = 5_000;

/** What a step needs of the batch it works for: whether the batch is still this consumer's. */
export interface BatchOwnership {
  isRunning: () => boolean;
  isStale: () => boolean;
  heartbeat: () => Promise<void>;
}

/** A run of a fetched batch's messages, handled and then committed as one. */
export interface Chunk {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
  /** the chunk repeats one an earlier owner recorded, cut the same way */
  retry: boolean;
}

/** What a handler's steps get from the loop. */
export interface BatchSteps {
  /** Runs `step` until it succeeds, for as long as this consumer owns the partition. */
  retry<T>(stage: string, step: () => Promise<T>): Promise<T>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `step` until it succeeds, with capped exponential backoff, for as long as the batch is
 * still this consumer's; then the last error is thrown and the batch is left uncommitted for
 * its next owner. Nothing is skipped.
 */
export async function retryWhileOwned<T>(
  step: () => Promise<T>,
  owner: BatchOwnership,
  onFailure: (attempt: number, error: unknown) => void,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      onFailure(attempt, error);
      if (!owner.isRunning() || owner.isStale()) throw error;
      await wait(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt));
      await owner.heartbeat().catch(() => undefined);
    }
  }
}

/**
 * Commits a partition up to and including `lastOffset` and moves the fetch position past it.
 * The batch's own commit raises a lost membership as the rebalance error kafkajs rejoins on;
 * `consumer.commitOffsets` would raise it as a crash that stops the consumer.
 */
export async function commitThrough(
  payload: Pick<EachBatchPayload, 'batch' | 'commitOffsetsIfNecessary' | 'resolveOffset'>,
  lastOffset: string,
): Promise<void> {
  const { batch } = payload;
  await payload.commitOffsetsIfNecessary({
    topics: [
      {
        topic: batch.topic,
        partitions: [{ partition: batch.partition, offset: (BigInt(lastOffset) + 1n).toString() }],
      },
    ],
  });
  // without it kafkajs fetches the batch again
  payload.resolveOffset(lastOffset);
}
