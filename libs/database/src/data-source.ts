import { DataSource, DataSourceOptions } from 'typeorm';
import type { AppConfig } from '@app/config';
import { POSTGRES_MIGRATIONS } from './migrations';

export function dataSourceOptions(
  config: AppConfig['postgres'],
  entities: DataSourceOptions['entities'] = [],
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.url,
    entities,
    migrations: POSTGRES_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // expected failures (unique violations turned into CONFLICT) would be noise;
    // unexpected ones reach the error mapping
    logging: false,
    extra: { max: 20 },
  };
}

/** A data source outside Nest (CLI, tests), migrated on request. */
export async function openDataSource(
  config: AppConfig['postgres'],
  entities: DataSourceOptions['entities'] = [],
  migrate = true,
): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(config, entities));
  await dataSource.initialize();
  if (migrate) await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
