import { ClickHouseClient, ClickHouseSettings, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { AppConfig } from '@app/config';

/** The line formats an encoded insert may carry (chdb's rawInsert takes text formats only). */
export type RawInsertFormat = 'JSONCompactEachRow' | 'TabSeparated';

/** Writes bytes already in `format` straight to the engine, with settings scoped to that INSERT. */
export type RawInsert = (params: {
  table: string;
  columns: readonly string[];
  format: RawInsertFormat;
  values: Buffer;
  settings?: ClickHouseSettings;
}) => Promise<void>;

export interface ClickHouseConnection {
  client: ClickHouseClient;
  /** Embedded engine only: chdb's zero-copy insert, which puts settings on the INSERT itself. */
  rawInsert?: RawInsert;
}

/**
 * The one place that knows how a ClickHouse client is made: an HTTP client for a server
 * (CLICKHOUSE_URL) or the embedded chdb engine (CLICKHOUSE_PATH), same API for both.
 */
export function createClickHouseClient(config: AppConfig['clickhouse']): ClickHouseConnection {
  if (config.mode === 'server') {
    const client = createClient({
      url: config.url,
      username: config.username,
      password: config.password,
      database: config.database,
      request_timeout: 120_000,
      compression: { request: false, response: true },
    });
    return { client };
  }
  const connection = createChdbConnection({ path: config.path });
  // chdb bundles its own copy of @clickhouse/client-common's types, so its Connection is
  // structurally the same but nominally a different type; this cast is the only one allowed.
  const client = createClient({ connection } as unknown as Parameters<typeof createClient>[0]);
  const rawInsert: RawInsert = async ({ table, columns, format, values, settings }) => {
    await connection.chdb.rawInsert({
      table,
      columns,
      format,
      values,
      settings: settings as Record<string, string | number | boolean> | undefined,
    });
  };
  return { client, rawInsert };
}
