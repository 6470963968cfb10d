import { resolveServices } from './services';

export default async function globalSetup(): Promise<void> {
  const services = await resolveServices();
  process.env.TEST_KAFKA_BROKERS = services.kafkaBrokers;
  process.env.TEST_DATABASE_URL = services.databaseUrl;
  if (services.clickhouseUrl) process.env.TEST_CLICKHOUSE_URL = services.clickhouseUrl;
  process.env.TEST_STARTED = services.started.join(',');
  (globalThis as { __services?: unknown }).__services = services;
  process.stdout.write(
    `\nintegration services: kafka=${services.sources.kafka}, postgres=${services.sources.postgres}, ` +
      `clickhouse=${services.sources.clickhouse}\n`,
  );
}
