import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { logger } from '@app/observability';
import { createHttpApp } from '@app/platform';
import { WorkerModule } from './worker.module';

async function main() {
  // worker replicas never migrate (one migrating process at a time): they wait for `cli migrate`
  const config = { ...loadConfig(), runMigrations: false };
  await createHttpApp(WorkerModule.register(config), config);
  logger.info('ingest worker running', { metrics: `http://${config.http.host}:${config.http.port}/metrics` });
}

main().catch((error) => {
  logger.error('ingest worker failed to start', { error: String(error) });
  process.exit(1);
});
