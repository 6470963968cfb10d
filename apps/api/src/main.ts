import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { logger } from '@app/observability';
import { ApiModule, GRAPHQL_PATH } from './api.module';
import { createHttpApp } from './http';

async function main() {
  const config = loadConfig();
  await createHttpApp(ApiModule.register(config), config);
  logger.info('api listening', { graphql: `http://${config.http.host}:${config.http.port}${GRAPHQL_PATH}` });
}

main().catch((error) => {
  logger.error('api failed to start', { error: String(error) });
  process.exit(1);
});
