import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { logger } from '@app/observability';
import { createHttpApp } from '@app/platform';
import { ApiModule, GRAPHQL_PATH } from './api.module';

async function main() {
  // api replicas never migrate (one migrating process at a time): they wait for `cli migrate`
  const config = { ...loadConfig(), runMigrations: false };
  await createHttpApp(ApiModule.register(config), config);
  logger.info('api listening', { graphql: `http://${config.http.host}:${config.http.port}${GRAPHQL_PATH}` });
}

main().catch((error) => {
  logger.error('api failed to start', { error: String(error) });
  process.exit(1);
});
