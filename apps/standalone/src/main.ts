import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { logger } from '@app/observability';
import { GRAPHQL_PATH } from '@app/api/api.module';
import { createHttpApp } from '@app/platform';
import { StandaloneModule } from './standalone.module';

async function main() {
  const config = loadConfig();
  await createHttpApp(StandaloneModule.register(config), config);
  logger.info('standalone (api + ingest worker) listening', {
    graphql: `http://${config.http.host}:${config.http.port}${GRAPHQL_PATH}`,
    clickhouse: config.clickhouse.mode === 'embedded' ? config.clickhouse.path : config.clickhouse.url,
  });
}

main().catch((error) => {
  logger.error('standalone failed to start', { error: String(error) });
  process.exit(1);
});
