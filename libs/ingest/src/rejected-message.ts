import type { KafkaMessage } from 'kafkajs';

/** A message the worker refused, with why: the consumer sends it to the DLQ, the metrics count it. */
export interface RejectedMessage {
  message: KafkaMessage;
  reason: string;
}
