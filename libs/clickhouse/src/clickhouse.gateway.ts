import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { AppConfig } from '@app/config';
import { Readable } from 'node:stream';
import { createClickHouseClient, RawInsert, RawInsertFormat } from './clickhouse-client.factory';
import { ReadWriteLock } from './rw-lock';

/** Rows in one of the line formats both the server and the embedded engine read from bytes. */
export interface EncodedRows {
  format: RawInsertFormat;
  columns: readonly string[];
  bytes: Buffer;
  rows: number;
}

/** One JSON array per row, in `columns` order. */
export function encodeJsonCompactEachRow(columns: readonly string[], rows: unknown[][]): EncodedRows {
  const bytes = Buffer.from(rows.map((row) => JSON.stringify(row)).join('\n'));
  return { format: 'JSONCompactEachRow', columns, bytes, rows: rows.length };
}

export type QueryParams = Record<string, unknown>;

/** A result with its columns' types and the engine's read statistics (format JSONCompact). */
export interface TableResult {
  meta: { name: string; type: string }[];
  data: unknown[][];
  rows: number;
  statistics?: { elapsed: number; rows_read: number; bytes_read: number };
}

export interface RequestOptions {
  params?: QueryParams;
  settings?: ClickHouseSettings;
}

/**
 * All ClickHouse access goes through this gateway.
 *
 * Per-request settings must apply to that request only. Over HTTP they are URL parameters
 * and are naturally scoped. The embedded engine applies them as session-level `SET`s that
 * would stick to every later statement (an insert after one carrying an
 * `insert_deduplication_token` was silently dropped), so in embedded mode a request with
 * settings runs exclusively and resets each setting to its default afterwards; requests
 * without settings share the session concurrently.
 */
export class ClickHouseGateway {
  private readonly lock = new ReadWriteLock();
  private closed = false;

  constructor(
    private readonly client: ClickHouseClient,
    readonly mode: 'server' | 'embedded',
    readonly database: string,
    private readonly rawInsert?: RawInsert,
  ) {}

  static async connect(config: AppConfig['clickhouse']): Promise<ClickHouseGateway> {
    if (config.mode === 'server') {
      // The server client is bound to its database, which must exist before it is used.
      const { client: bootstrap } = createClickHouseClient({ ...config, database: 'default' });
      try {
        await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(config.database)}` });
      } finally {
        await bootstrap.close();
      }
      return new ClickHouseGateway(createClickHouseClient(config).client, 'server', config.database);
    }
    const { client, rawInsert } = createClickHouseClient(config);
    const db = quoteIdentifier(config.database);
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
    await client.command({ query: `USE ${db}` });
    return new ClickHouseGateway(client, 'embedded', config.database, rawInsert);
  }

  async query<T>(query: string, options: RequestOptions = {}): Promise<T[]> {
    return this.run(options.settings, async () => {
      const result = await this.client.query({
        query,
        format: 'JSONEachRow',
        query_params: options.params,
        clickhouse_settings: options.settings,
      });
      return result.json<T>();
    });
  }

  /**
   * Rows as arrays with the columns' names and types, for answers whose shape the caller does not
   * know (callers' own SQL, which a limit may stop after its output began). The embedded engine
   * (chdb 3.4) keeps the output of a query that failed midway and hands it out at the start of
   * the next query's answer, whoever asked; so there such a query runs exclusively and, when it
   * fails, a throwaway query takes the leftover before anyone else runs.
   */
  async queryTable(query: string, options: RequestOptions = {}): Promise<TableResult> {
    const read = async (): Promise<TableResult> => {
      const result = await this.client.query({
        query,
        format: 'JSONCompact',
        query_params: options.params,
        clickhouse_settings: options.settings,
      });
      const answer = await result.json<unknown[]>();
      return {
        meta: answer.meta ?? [],
        data: answer.data,
        rows: answer.rows ?? answer.data.length,
        statistics: answer.statistics,
      };
    };
    if (this.mode === 'server') return read();
    if (options.settings && Object.keys(options.settings).length)
      throw new Error('queryTable takes its settings in the query text (a SETTINGS clause)');
    return this.lock.withExclusive(async () => {
      try {
        return await read();
      } catch (error) {
        await (await this.client.query({ query: 'SELECT 1', format: 'TabSeparated' })).text();
        throw error;
      }
    });
  }

  async command(query: string, options: RequestOptions = {}): Promise<void> {
    await this.run(options.settings, () =>
      this.client.command({ query, query_params: options.params, clickhouse_settings: options.settings }),
    );
  }

  async insert<T extends object>(table: string, rows: readonly T[], settings?: ClickHouseSettings): Promise<void> {
    if (rows.length === 0) return;
    await this.run(settings, () =>
      this.client.insert({ table, values: rows as T[], format: 'JSONEachRow', clickhouse_settings: settings }),
    );
  }

  /**
   * Rows as arrays in `columns` order (JSONCompactEachRow): less to serialize and parse than
   * objects. See insertEncoded.
   */
  async insertColumns(
    table: string,
    columns: readonly string[],
    rows: unknown[][],
    settings?: ClickHouseSettings,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.insertEncoded(table, encodeJsonCompactEachRow(columns, rows), settings);
  }

  /**
   * Rows already encoded (encodeJsonCompactEachRow, or a writer's own encoder). The embedded
   * engine takes the payload as one buffer with the settings on the INSERT itself, so it needs
   * no exclusive session and other requests go on meanwhile.
   */
  async insertEncoded(table: string, encoded: EncodedRows, settings?: ClickHouseSettings): Promise<void> {
    if (encoded.rows === 0) return;
    const rawInsert = this.rawInsert;
    if (rawInsert) {
      await this.lock.withShared(() =>
        rawInsert({
          table: `${quoteIdentifier(this.database)}.${quoteIdentifier(table)}`,
          columns: encoded.columns,
          format: encoded.format,
          values: encoded.bytes,
          settings,
        }),
      );
      return;
    }
    // the bytes as the request body: the client's insert() takes a byte stream only for CSV-like
    // formats and would want objects back for JSON ones
    const columns = encoded.columns.map(quoteIdentifier).join(', ');
    await this.run(settings, async () => {
      const { stream } = await this.client.exec({
        query: `INSERT INTO ${quoteIdentifier(table)} (${columns}) FORMAT ${encoded.format}`,
        values: Readable.from([encoded.bytes], { objectMode: false }),
        clickhouse_settings: settings,
      });
      // the server answers an INSERT once it is written; its (empty) body is not read
      stream.destroy();
    });
  }

  async ping(): Promise<boolean> {
    const result = await this.client.ping();
    return result.success;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lock.withExclusive(() => this.client.close());
  }

  private run<R>(settings: ClickHouseSettings | undefined, fn: () => Promise<R>): Promise<R> {
    const keys = settings ? Object.keys(settings) : [];
    if (this.mode === 'server' || keys.length === 0) {
      return this.mode === 'server' ? fn() : this.lock.withShared(fn);
    }
    return this.lock.withExclusive(async () => {
      try {
        return await fn();
      } finally {
        for (const key of keys) {
          await this.client.command({ query: `SET ${quoteIdentifier(key)} = DEFAULT` });
        }
      }
    });
  }
}

export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`not a plain identifier: ${JSON.stringify(name)}`);
  }
  return name;
}
