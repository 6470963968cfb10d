import { ClickHouseClient, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { AppConfig } from '@app/config';

/**
 * The one place that knows how a ClickHouse client is made: an HTTP client for a server
 * (CLICKHOUSE_URL) or the embedded chdb engine (CLICKHOUSE_PATH), same API for both.
 */
export function createClickHouseClient(config: AppConfig['clickhouse']): ClickHouseClient {
  if (config.mode === 'server') {
    return createClient({
      url: config.url,
      username: config.username,
      password: config.password,
      database: config.database,
      request_timeout: 120_000,
      compression: { request: false, response: true },
    });
  }
  const connection = createChdbConnection({ path: config.path });
  // chdb bundles its own copy of @clickhouse/client-common's types, so its Connection is
  // structurally the same but nominally a different type; this cast is the only one allowed.
  return createClient({ connection } as unknown as Parameters<typeof createClient>[0]);
}
