import type { Admin, Kafka } from 'kafkajs';
import type { AppConfig } from '@app/config';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  configEntries?: Array<{ name: string; value: string }>;
}

export function applicationTopics(config: AppConfig['kafka']): TopicSpec[] {
  return [
    { topic: config.callsTopic, numPartitions: config.topicPartitions },
    { topic: config.callsDlqTopic, numPartitions: 1 },
    { topic: config.teamEventsTopic, numPartitions: config.topicPartitions },
  ];
}

/** Creates the topics that do not exist yet; existing ones are left as they are. */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({ ...t, replicationFactor: -1 })),
      });
      await waitForPartitionLeaders(admin, missing);
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * createTopics' own wait ends when the controller has elected leaders, but a fresh topic's first
 * produce can still meet "This server does not host this topic-partition" until the broker's
 * metadata lists every partition with a leader; wait for that (bounded), so start-up never races it.
 */
async function waitForPartitionLeaders(admin: Admin, topics: TopicSpec[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await admin
      .fetchTopicMetadata({ topics: topics.map((t) => t.topic) })
      .then(({ topics: found }) =>
        topics.every((spec) => {
          const partitions = found.find((t) => t.name === spec.topic)?.partitions ?? [];
          return partitions.length === spec.numPartitions && partitions.every((p) => p.leader >= 0);
        }),
      )
      .catch(() => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`Kafka topics have no leader after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
