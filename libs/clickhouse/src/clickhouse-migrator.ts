import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '@app/config';
import type { ClickHouseGateway } from './clickhouse.gateway';

export const CLICKHOUSE_MIGRATIONS_DIR = path.join(packageRoot(), 'schemas/clickhouse');

export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  sql: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function readMigrationFiles(dir: string): MigrationFile[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Map<number, string>();
  return files.map((file) => {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new MigrationError(`${file}: migration files are named NNNN_snake_case.sql`);
    const version = Number(match[1]);
    const twin = seen.get(version);
    if (twin) throw new MigrationError(`${file} and ${twin} share the version prefix ${match[1]}`);
    seen.set(version, file);
    const sql = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n');
    return { version, name: file, checksum: createHash('sha256').update(sql).digest('hex'), sql: sql.trim().replace(/;\s*$/, '') };
  });
}

/**
 * Applies numbered, forward-only SQL files (one statement each) and records name and
 * checksum of every applied file; an applied file that was changed, renamed or removed
 * stops the start-up instead of leaving the schema in an unknown state. Creating statements
 * are written with IF NOT EXISTS; backfills and the raw table's swap (0037-0040) are not
 * repeatable, so they assume one migrating process at a time with ingest stopped, as at
 * start-up.
 */
export class ClickHouseMigrator {
  constructor(
    private readonly clickhouse: ClickHouseGateway,
    private readonly dir: string = CLICKHOUSE_MIGRATIONS_DIR,
  ) {}

  /** The files not applied yet (every file before the first migration); reads, changes nothing. */
  async pending(): Promise<string[]> {
    const files = readMigrationFiles(this.dir);
    const [table] = await this.clickhouse.query<{ n: string }>(
      `SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'schema_migrations'`,
    );
    if (Number(table.n) === 0) return files.map((f) => f.name);
    const rows = await this.clickhouse.query<{ version: number }>('SELECT DISTINCT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => Number(r.version)));
    return files.filter((f) => !applied.has(f.version)).map((f) => f.name);
  }

  async migrate(): Promise<{ applied: string[] }> {
    const files = readMigrationFiles(this.dir);
    await this.clickhouse.command(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
      ) ENGINE = ReplacingMergeTree ORDER BY version`);
    const rows = await this.clickhouse.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, argMax(name, applied_at) AS name, argMax(checksum, applied_at) AS checksum FROM schema_migrations GROUP BY version',
    );
    const applied = new Map(rows.map((r) => [Number(r.version), r]));
    for (const [version, row] of applied) {
      const file = files.find((f) => f.version === version);
      if (!file) throw new MigrationError(`applied migration ${row.name} is missing from ${this.dir}`);
      if (file.name !== row.name || file.checksum !== row.checksum) {
        throw new MigrationError(
          `${file.name} was changed after it was applied (recorded ${row.name} ${row.checksum.slice(0, 12)}, ` +
            `found ${file.checksum.slice(0, 12)}); add a new migration instead`,
        );
      }
    }
    const done: string[] = [];
    for (const file of files) {
      if (applied.has(file.version)) continue;
      await this.clickhouse.command(file.sql);
      await this.clickhouse.insert('schema_migrations', [
        { version: file.version, name: file.name, checksum: file.checksum },
      ]);
      done.push(file.name);
    }
    return { applied: done };
  }
}
