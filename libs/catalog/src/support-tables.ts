import type { Column, SkipIndex } from './tables';

/**
 * Tables of the ingest path and the team domain, outside the usage catalogue but in the same
 * schema, so the generated baseline and the cluster rendering hold every object.
 */
export interface SupportTable {
  readonly name: string;
  readonly why: string;
  readonly columns: readonly Column[];
  readonly engine: 'MergeTree' | 'ReplacingMergeTree';
  readonly partitionBy?: string;
  readonly orderBy: readonly string[];
  readonly ttl?: string;
  readonly skipIndexes?: readonly SkipIndex[];
  readonly settings: readonly string[];
  /** rows the application inserts itself go to a shard by this key in cluster mode */
  readonly shardingKey?: string;
}

export const EVENT_IDS: SupportTable = {
  name: 'event_ids',
  why:
    "event_id -> first ingest time and the Kafka message that recorded it: the worker's dedup index (8 days). " +
    'Fed by a view of call_events, so an id is recorded in the same insert that stores its event. ' +
    'kafka_offset -1: recorded before the message was kept.',
  columns: [
    { name: 'event_id', type: 'String' },
    { name: 'first_seen', type: "DateTime('UTC')" },
    { name: 'kafka_partition', type: 'UInt32', default: '0' },
    { name: 'kafka_offset', type: 'Int64', default: '-1' },
  ],
  engine: 'ReplacingMergeTree',
  orderBy: ['event_id'],
  ttl: 'first_seen + INTERVAL 8 DAY',
  settings: ['non_replicated_deduplication_window = 10000'],
};

export const EVENT_IDS_VIEW = {
  name: 'event_ids_message_mv',
  target: 'event_ids',
  select: [
    'event_id',
    "toDateTime(ingested_at, 'UTC') AS first_seen",
    'kafka_partition',
    'toInt64(kafka_offset) AS kafka_offset',
  ],
} as const;

export const MEMBERSHIP_EVENTS: SupportTable = {
  name: 'membership_events',
  why:
    'Team domain events from Kafka team-events.v1, for audits and attributing usage to the team a user belonged ' +
    'to at call time. (team_id, seq) identifies an event, so repeats collapse (read with FINAL or argMax).',
  columns: [
    { name: 'team_id', type: 'UUID' },
    { name: 'seq', type: 'UInt32' },
    { name: 'type', type: 'LowCardinality(String)' },
    { name: 'actor_id', type: 'Nullable(UUID)' },
    { name: 'user_id', type: 'Nullable(UUID)' },
    { name: 'role', type: 'LowCardinality(String)' },
    { name: 'payload', type: 'String' },
    { name: 'occurred_at', type: "DateTime64(3, 'UTC')" },
  ],
  engine: 'ReplacingMergeTree',
  orderBy: ['team_id', 'seq'],
  settings: ['non_replicated_deduplication_window = 10000'],
  shardingKey: 'cityHash64(team_id)',
};

export const INGEST_CHUNKS: SupportTable = {
  name: 'ingest_chunks',
  why:
    'The offset range of every chunk the worker is about to write, recorded before the write: a restarted ' +
    'worker cuts its chunks at the recorded boundaries, so a cut-short write is retried with the same token.',
  columns: [
    { name: 'topic', type: 'String' },
    { name: 'partition', type: 'UInt32' },
    { name: 'first_offset', type: 'Int64' },
    { name: 'last_offset', type: 'Int64' },
    { name: 'recorded_at', type: "DateTime64(3, 'UTC')", default: 'now64(3)' },
  ],
  engine: 'MergeTree',
  orderBy: ['topic', 'partition', 'first_offset'],
  ttl: 'toDateTime(recorded_at) + INTERVAL 8 DAY',
  settings: [],
  shardingKey: 'cityHash64(topic, partition)',
};
