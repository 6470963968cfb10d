import type { Kafka } from 'kafkajs';
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
    }
  } finally {
    await admin.disconnect();
  }
}
