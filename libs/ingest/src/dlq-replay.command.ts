import type { Batch, Kafka, Message } from 'kafkajs';
import type { AppConfig } from '@app/config';
import {
  BatchConsumer,
  BatchSteps,
  ChunkBounds,
  Decoded,
  IdempotentProducer,
  RejectedMessage,
  skipAndCount,
} from '@app/kafka';
import { decodeCallEvent } from './call-event-decoder';
import { REPLAY_ALLOW_OLD_HEADER, REPLAYED_FROM_HEADER, tooOldReason } from './intake-horizon';

export interface DlqReplayOptions {
  /**
   * take events past the intake horizon (INGEST_HORIZON_DAYS): an operator's explicit choice, as they
   * restate a period that may be closed (each shows in its statement as a DLQ replay)
   */
  allowOld?: boolean;
}

export interface DlqReplayReport {
  read: number;
  replayed: number;
  stillInvalid: Record<string, number>;
}

/**
 * Re-validates the DLQ (after a schema, clock or price fix) and re-publishes to calls.v1 the
 * messages that now pass, with their original key and bytes. Reads from the replay group's
 * committed position up to the end of the DLQ as it was at start, and commits what it handled
 * (libs/kafka's BatchConsumer: published before committed, retried while owned); messages that
 * still fail are counted and left. A message published twice is still counted once thanks to
 * the worker's event_id dedup. Events past the intake horizon stay in the DLQ (`too_old`) unless
 * `allowOld` is given; the worker stores what it gets from here with origin `replay`.
 */
export class DlqReplayCommand {
  constructor(
    private readonly kafka: Kafka,
    private readonly config: AppConfig,
    private readonly producer: IdempotentProducer,
    private readonly onProgress: (report: DlqReplayReport) => void = () => undefined,
    private readonly options: DlqReplayOptions = {},
  ) {}

  async execute(): Promise<DlqReplayReport> {
    const topic = this.config.kafka.callsDlqTopic;
    const horizonDays = this.config.ingest.horizonDays;
    const ends = await this.endOffsets(topic);
    const report: DlqReplayReport = { read: 0, replayed: 0, stillInvalid: {} };
    const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
    if (pending.size === 0) return report;

    const groupId = `${this.config.kafka.consumerGroup}.dlq-replay`;
    let allReplayed!: () => void;
    const done = new Promise<void>((resolve) => (allReplayed = resolve));
    const endOf = (partition: number) => ends.get(partition) ?? 0n;
    const loop = new BatchConsumer<Message[]>({
      name: 'dlq replay',
      kafka: this.kafka,
      topic,
      consumer: { groupId, maxWaitTimeInMs: 200 },
      handler: {
        // messages that arrived after the start are left for a later replay
        plan: (batch: Batch): Promise<ChunkBounds[]> => {
          const inRange = batch.messages.filter((m) => BigInt(m.offset) < endOf(batch.partition)).length;
          return Promise.resolve(inRange ? [{ start: 0, end: inRange, retry: false }] : []);
        },
        decode: (chunk) => {
          const records: Message[] = [];
          const rejected: RejectedMessage[] = [];
          for (const message of chunk.messages) {
            report.read++;
            const now = Date.now();
            const decoded = decodeCallEvent(message.value, now);
            const tooOld = decoded.ok ? tooOldReason(decoded.occurredAtMs, now, horizonDays) : undefined;
            if (!decoded.ok) {
              rejected.push({ message, reason: decoded.reason });
            } else if (tooOld && !this.options.allowOld) {
              rejected.push({ message, reason: tooOld });
            } else {
              const headers = {
                [REPLAYED_FROM_HEADER]: `${topic}/${chunk.partition}/${message.offset}`,
                ...(tooOld ? { [REPLAY_ALLOW_OLD_HEADER]: '1' } : {}),
              };
              records.push({ key: message.key, value: message.value, headers });
            }
          }
          return Promise.resolve({ records, rejected });
        },
        store: async ({ records }: Decoded<Message[]>, _chunk, steps: BatchSteps) => {
          await steps.retry('replay', () => this.producer.send(this.config.kafka.callsTopic, records));
          report.replayed += records.length;
        },
      },
      deadLetters: skipAndCount(({ reason }) => {
        report.stillInvalid[reason] = (report.stillInvalid[reason] ?? 0) + 1;
      }, 'debug'),
      hooks: {
        onCommitted: (partition, _highWatermark, nextOffset) => {
          this.onProgress(report);
          if (BigInt(nextOffset) < endOf(partition)) return;
          pending.delete(partition);
          if (pending.size === 0) allReplayed();
        },
      },
    });

    await loop.start();
    try {
      // a partition whose committed position is already at its end yields no batch
      await Promise.race([done, this.untilCaughtUp(groupId, topic, ends, pending, done)]);
    } finally {
      await loop.stop();
    }
    return report;
  }

  private async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    } finally {
      await admin.disconnect();
    }
  }

  /** Polls the group's committed offsets until every partition reached its end, or `done` settled. */
  private async untilCaughtUp(
    groupId: string,
    topic: string,
    ends: Map<number, bigint>,
    pending: Set<number>,
    done: Promise<void>,
  ): Promise<void> {
    let finished = false;
    void done.then(() => (finished = true));
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      while (!finished) {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        for (const p of committed.partitions) {
          if (BigInt(p.offset) >= (ends.get(p.partition) ?? 0n)) pending.delete(p.partition);
        }
        if (pending.size === 0) return;
        await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      }
    } finally {
      await admin.disconnect();
    }
  }
}
