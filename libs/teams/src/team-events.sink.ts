import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Counter, Registry } from 'prom-client';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ClickHouseGateway } from '@app/clickhouse';
import { BatchConsumer, BatchHandler, BatchSteps, Chunk, Decoded, RejectedMessage, skipAndCount } from '@app/kafka';
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

export interface MembershipEventRow {
  team_id: string;
  seq: number;
  type: string;
  actor_id: string | null;
  user_id: string | null;
  role: string;
  payload: string;
  occurred_at: string;
}

export function membershipEventRow(e: TeamEvent): MembershipEventRow {
  const subject = subjectOf(e);
  return {
    team_id: e.teamId,
    seq: e.seq,
    type: e.type,
    actor_id: e.actorId,
    user_id: subject.userId,
    role: subject.role,
    payload: JSON.stringify(e.payload),
    occurred_at: e.occurredAt.replace('T', ' ').replace('Z', ''),
  };
}

/**
 * Worker side of team-events.v1: sinks every team event into ClickHouse membership_events,
 * through libs/kafka's BatchConsumer (retried while owned, committed after the insert,
 * restarted after a crash). A message that is not a team event has nowhere better to go: it
 * is skipped and counted (team_events_skipped_total).
 */
@Injectable()
export class TeamEventsSink
  implements BatchHandler<MembershipEventRow[]>, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly loop: BatchConsumer<MembershipEventRow[]>;

  constructor(
    kafka: Kafka,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clickhouse: ClickHouseGateway,
    @Inject(Registry) registry: Registry,
  ) {
    const skipped = new Counter({
      name: 'team_events_skipped_total',
      help: 'team-events.v1 messages that are not team events, skipped',
      registers: [registry],
    });
    this.loop = new BatchConsumer({
      name: 'team events',
      kafka,
      topic: config.kafka.teamEventsTopic,
      consumer: { groupId: `${config.kafka.consumerGroup}.team-events`, maxWaitTimeInMs: 200 },
      handler: this,
      deadLetters: skipAndCount(() => skipped.inc(), 'error'),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  decode(chunk: Chunk): Promise<Decoded<MembershipEventRow[]>> {
    const records: MembershipEventRow[] = [];
    const rejected: RejectedMessage[] = [];
    for (const message of chunk.messages) {
      try {
        records.push(membershipEventRow(JSON.parse(message.value!.toString()) as TeamEvent));
      } catch (error) {
        rejected.push({ message, reason: `unreadable team event: ${String(error)}` });
      }
    }
    return Promise.resolve({ records, rejected });
  }

  /** The insert carries the chunk's offset range as its token, so a redelivered chunk counts once. */
  async store({ records }: Decoded<MembershipEventRow[]>, chunk: Chunk, steps: BatchSteps): Promise<void> {
    const token = `${chunk.topic}:${chunk.partition}:${chunk.messages[0].offset}-${chunk.messages.at(-1)!.offset}`;
    await steps.retry('insert', () =>
      this.clickhouse.insert('membership_events', records, { insert_deduplication_token: token }),
    );
  }
}
