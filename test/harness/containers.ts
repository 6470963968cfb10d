import { GenericContainer, StartedTestContainer, Wait } from 'testcontainers';

const running: StartedTestContainer[] = [];

/** Used only where a Docker engine answers (a laptop, a hosted CI). */
export async function startContainers(want: { kafka: boolean; postgres: boolean; clickhouse: boolean }) {
  const out: { kafkaBrokers?: string; databaseUrl?: string; clickhouseUrl?: string } = {};
  if (want.kafka) {
    const port = 19092;
    const kafka = await new GenericContainer('apache/kafka:3.9.1')
      .withExposedPorts({ container: port, host: port })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start();
    running.push(kafka);
    out.kafkaBrokers = `127.0.0.1:${port}`;
  }
  if (want.postgres) {
    const pg = await new GenericContainer('postgres:16-alpine')
      .withExposedPorts(5432)
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    running.push(pg);
    out.databaseUrl = `postgres://postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/postgres`;
  }
  if (want.clickhouse) {
    const ch = await new GenericContainer('clickhouse/clickhouse-server:25.8')
      .withExposedPorts(8123)
      .withEnvironment({ CLICKHOUSE_SKIP_USER_SETUP: '1' })
      .withWaitStrategy(Wait.forHttp('/ping', 8123))
      .start();
    running.push(ch);
    out.clickhouseUrl = `http://${ch.getHost()}:${ch.getMappedPort(8123)}`;
  }
  return out;
}

export async function stopContainers(): Promise<void> {
  await Promise.all(running.splice(0).map((c) => c.stop()));
}
