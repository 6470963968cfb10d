export * from './clickhouse.gateway';
export * from './clickhouse-client.factory';
export * from './clickhouse-migrator';
export * from './clickhouse.module';
export * from './clickhouse.metrics';
export * from './schema-snapshot';
