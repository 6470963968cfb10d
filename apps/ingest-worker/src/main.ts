import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { logger } from '@app/observability';
import { createHttpApp } from '@app/api/http';
import { WorkerModule } from './worker.module';

async function main() {
  const config = loadConfig();
  await createHttpApp(WorkerModule.register(config), config);
  logger.info('ingest worker running', { metrics: `http://${config.http.host}:${config.http.port}/metrics` });
}

main().catch((error) => {
  logger.error('ingest worker failed to start', { error: String(error) });
  process.exit(1);
});
