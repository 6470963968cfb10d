import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { AppConfig, loadConfig } from '@app/config';

export const SERVICE_TOKEN = `test-service-token-${randomBytes(12).toString('hex')}`;

/**
 * A configuration isolated for one test file: its own Postgres database, ClickHouse database,
 * Kafka topics and consumer group, on the services the global setup resolved. The embedded
 * engine admits one data directory per process, so a jest worker keeps one directory and
 * test files are separated by ClickHouse database instead.
 */
export function isolatedConfig(name: string, overrides: NodeJS.ProcessEnv = {}): AppConfig {
  return loadConfig(isolatedEnv(name, overrides));
}

/** The environment of an isolated configuration, for child processes. */
export function isolatedEnv(name: string, overrides: NodeJS.ProcessEnv = {}): Record<string, string> {
  const id = `${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const pgUrl = new URL(required('TEST_DATABASE_URL'));
  pgUrl.pathname = `/t_${id}`;
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: pgUrl.toString(),
    KAFKA_BROKERS: required('TEST_KAFKA_BROKERS'),
    KAFKA_CALLS_TOPIC: `calls.v1.${id}`,
    KAFKA_TEAM_EVENTS_TOPIC: `team-events.v1.${id}`,
    KAFKA_CONSUMER_GROUP: `ingest.${id}`,
    KAFKA_CLIENT_ID: `test-${id}`,
    ...(process.env.TEST_CLICKHOUSE_URL
      ? { CLICKHOUSE_URL: process.env.TEST_CLICKHOUSE_URL }
      : { CLICKHOUSE_PATH: embeddedPathForThisProcess() }),
    CLICKHOUSE_DATABASE: `t_${id}`,
    SERVICE_TOKEN,
    INGEST_BATCH_MAX_WAIT_MS: '100',
    INGEST_FETCH_MIN_BYTES: '1',
    // tests fire many queries and failed logins from one token and one address; the limits
    // themselves are tested with low overrides (test/security/http-hygiene.test.ts)
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000',
    RATE_LIMIT_EXPENSIVE_PER_MINUTE: '1000000',
    // a scheduled evaluation would add queries at random moments (tests that count them); tests of
    // alerts run the evaluators by hand
    ALERTS_EVALUATION_INTERVAL_MS: '0',
    // the anomaly detector's background runs would add engine and Postgres work at random moments
    // (query counts, timings); its tests drive it by hand (AnomalyDetectorService.runAt)
    ANOMALY_DETECTOR_INTERVAL_MS: '0',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export function embeddedPathForThisProcess(): string {
  return path.join(os.tmpdir(), `usage-analytics-chdb-${process.pid}`);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run integration tests through jest's integration project (npm test)`);
  return value;
}

/** Drops the per-test Postgres database. */
export async function dropDatabase(config: AppConfig): Promise<void> {
  const url = new URL(config.postgres.url);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** How many messages were ever written to a topic: the sum of its partitions' end offsets. */
export async function topicEnd(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
