import { Kafka } from 'kafkajs';
import type { AppConfig } from '@app/config';
import { IdempotentProducer } from '@app/kafka';
import { decodeCallEvent } from './call-event-decoder';

export interface DlqReplayReport {
  read: number;
  replayed: number;
  stillInvalid: Record<string, number>;
}

/**
 * Re-validates the DLQ (after a schema, clock or price fix) and re-publishes to calls.v1 the
 * messages that now pass, with their original key and bytes. Reads from the replay group's
 * committed position up to the end of the DLQ as it was at start, and commits what it handled;
 * a message published twice is still counted once thanks to the worker's event_id dedup.
 */
export class DlqReplayCommand {
  constructor(
    private readonly kafka: Kafka,
    private readonly config: AppConfig,
    private readonly producer: IdempotentProducer,
    private readonly onProgress: (report: DlqReplayReport) => void = () => undefined,
  ) {}

  async execute(): Promise<DlqReplayReport> {
    const topic = this.config.kafka.callsDlqTopic;
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = new Map<number, bigint>();
    try {
      for (const p of await admin.fetchTopicOffsets(topic)) ends.set(p.partition, BigInt(p.high));
    } finally {
      await admin.disconnect();
    }
    const report: DlqReplayReport = { read: 0, replayed: 0, stillInvalid: {} };
    const groupId = `${this.config.kafka.consumerGroup}.dlq-replay`;
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
    if (pending.size === 0) return report;

    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const done = new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = ends.get(batch.partition) ?? 0n;
              const inRange = batch.messages.filter((m) => BigInt(m.offset) < end);
              if (inRange.length === 0) return;
              const passing = [];
              for (const message of inRange) {
                report.read++;
                const decoded = decodeCallEvent(message.value);
                if (decoded.ok) {
                  passing.push({ key: message.key, value: message.value, headers: { 'dlq-replayed-from': `${topic}/${batch.partition}/${message.offset}` } });
                } else {
                  report.stillInvalid[decoded.reason] = (report.stillInvalid[decoded.reason] ?? 0) + 1;
                }
              }
              await this.producer.send(this.config.kafka.callsTopic, passing);
              report.replayed += passing.length;
              const last = BigInt(inRange[inRange.length - 1].offset);
              await consumer.commitOffsets([{ topic, partition: batch.partition, offset: (last + 1n).toString() }]);
              this.onProgress(report);
              if (last + 1n >= end) {
                pending.delete(batch.partition);
                if (pending.size === 0) resolve();
              }
            },
          })
          .catch(reject);
      });
      // a partition whose committed position is already at its end yields no batch
      await Promise.race([done, this.untilCaughtUp(groupId, topic, ends, pending)]);
    } finally {
      await consumer.disconnect();
    }
    return report;
  }

  private async untilCaughtUp(groupId: string, topic: string, ends: Map<number, bigint>, pending: Set<number>): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (;;) {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        for (const p of committed.partitions) {
          if (BigInt(p.offset) >= (ends.get(p.partition) ?? 0n)) pending.delete(p.partition);
        }
        if (pending.size === 0) return;
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await admin.disconnect();
    }
  }
}
