import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ClickHouseGateway } from '@app/clickhouse';
import { commitThrough, retryWhileOwned } from '@app/kafka';
import { logger } from '@app/observability';
import type { TeamEvent } from './team-event-store';

function subjectOf(event: TeamEvent): { userId: string | null; role: string } {
  const p = event.payload as Record<string, string | undefined>;
  switch (event.type) {
    case 'TeamCreated':
      return { userId: p.ownerId ?? null, role: 'OWNER' };
    case 'InvitationAccepted':
      return { userId: p.userId ?? null, role: p.role ?? '' };
    case 'RoleChanged':
      return { userId: p.userId ?? null, role: p.to ?? '' };
    case 'OwnershipTransferred':
      return { userId: p.to ?? null, role: 'OWNER' };
    case 'MemberLeft':
    case 'MemberRemoved':
      return { userId: p.userId ?? null, role: '' };
    default:
      return { userId: p.userId ?? null, role: '' };
  }
}

/** Worker side of team-events.v1: sinks every team event into ClickHouse membership_events. */
@Injectable()
export class TeamEventsSink implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clickhouse: ClickHouseGateway,
  ) {
    this.consumer = kafka.consumer({ groupId: `${config.kafka.consumerGroup}.team-events`, maxWaitTimeInMs: 200 });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.config.kafka.teamEventsTopic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch, heartbeat, isRunning, isStale } = payload;
        if (batch.messages.length === 0) return;
        const rows = batch.messages.flatMap((m) => {
          try {
            const e = JSON.parse(m.value!.toString()) as TeamEvent;
            const subject = subjectOf(e);
            return [{ team_id: e.teamId, seq: e.seq, type: e.type, actor_id: e.actorId, user_id: subject.userId, role: subject.role, payload: JSON.stringify(e.payload), occurred_at: e.occurredAt.replace('T', ' ').replace('Z', '') }];
          } catch (error) {
            logger.error('unreadable team event skipped', { partition: batch.partition, offset: m.offset, error: String(error) });
            return [];
          }
        });
        const last = batch.messages[batch.messages.length - 1].offset;
        await retryWhileOwned(
          () => this.clickhouse.insert('membership_events', rows, { insert_deduplication_token: `${batch.topic}:${batch.partition}:${batch.messages[0].offset}-${last}` }),
          { heartbeat, isRunning, isStale },
          (attempt, error) => logger.warn('membership_events insert failed; retrying', { attempt, error: String(error) }),
        );
        await commitThrough(payload, last);
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.disconnect();
  }
}
