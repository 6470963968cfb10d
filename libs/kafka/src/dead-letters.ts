import type { KafkaMessage, Message } from 'kafkajs';
import { logger } from '@app/observability/logger';
import type { BatchSteps, Chunk } from './batch-steps';
import { MAX_REQUEST_BYTES } from './idempotent-producer';

/** Room left in a request for the key, the headers and the record overhead. */
export const DLQ_MAX_VALUE_BYTES = MAX_REQUEST_BYTES - 16 * 1024;

/** A message that cannot be handled, and why. */
export interface RejectedMessage {
  message: KafkaMessage;
  reason: string;
}

/** What a consumer does with the messages its handler rejected, before the chunk is stored. */
export interface DeadLetterPolicy {
  handle(rejected: RejectedMessage[], chunk: Chunk, steps: BatchSteps): Promise<void>;
}

export interface MessageSender {
  send(topic: string, messages: Message[]): Promise<void>;
}

/** The dead-letter record of a rejected message: its key and bytes, the reason and its origin in headers. */
export function deadLetterRecord({ message, reason }: RejectedMessage, topic: string, partition: number): Message {
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
}

/** Sends every rejected message to `dlqTopic` with its reason (retried like any step) before the chunk is stored. */
export function sendToDeadLetterTopic(sender: MessageSender, dlqTopic: string): DeadLetterPolicy {
  return {
    async handle(rejected, chunk, steps) {
      if (rejected.length === 0) return;
      const records = rejected.map((r) => deadLetterRecord(r, chunk.topic, chunk.partition));
      await steps.retry('dlq', () => sender.send(dlqTopic, records));
    },
  };
}

/**
 * Leaves rejected messages behind (they are committed with their chunk) and counts each one;
 * for topics whose bad messages have nowhere better to go, or that are themselves a DLQ.
 */
export function skipAndCount(
  count: (rejected: RejectedMessage) => void,
  logLevel: 'debug' | 'warn' | 'error' = 'warn',
): DeadLetterPolicy {
  return {
    handle(rejected, chunk) {
      for (const r of rejected) {
        logger[logLevel]('message skipped', {
          topic: chunk.topic,
          partition: chunk.partition,
          offset: r.message.offset,
          reason: r.reason,
        });
        count(r);
      }
      return Promise.resolve();
    },
  };
}
