import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '@app/config';
import { packageRoot } from '@app/config';
import type { ClickHouseGateway } from './clickhouse.gateway';

export const CLICKHOUSE_MIGRATIONS_DIR = path.join(packageRoot(), 'schemas/clickhouse');

export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  /** in file order; see splitStatements */
  statements: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
/** The generated picture of the schema the migrations build (schema-snapshot.ts), not a migration. */
export const CURRENT_SCHEMA_FILE = 'current.sql';

export function readMigrationFiles(dir: string): MigrationFile[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql') && f !== CURRENT_SCHEMA_FILE)
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
    const statements = splitStatements(sql);
    if (statements.length === 0) throw new MigrationError(`${file} holds no statement`);
    return { version, name: file, checksum: createHash('sha256').update(sql).digest('hex'), statements };
  });
}

/**
 * A file's statements: each ends with `;` at the end of a line that is not a `--` comment (a
 * lone statement may leave the `;` out). Splitting on lines, not on every `;`, keeps string
 * literals and comments that hold one intact.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of sql.split('\n')) {
    current.push(line);
    if (!line.trimStart().startsWith('--') && /;\s*$/.test(line)) {
      statements.push(current.join('\n'));
      current = [];
    }
  }
  statements.push(current.join('\n'));
  return statements.map((s) => s.trim().replace(/;\s*$/, '')).filter((s) => !isOnlyComments(s));
}

function isOnlyComments(sql: string): boolean {
  return sql.split('\n').every((line) => line.trim() === '' || line.trimStart().startsWith('--'));
}

/**
 * The first file of the history squashed into 0001_baseline.sql. A database that applied the old
 * 0001-0099 holds the baseline's objects, but rebuilt from other files in another order: it is
 * refused rather than accepted unchecked, as no install exists outside development machines.
 */
const PRE_SQUASH_FIRST = '0001_call_events.sql';

/**
 * The migration files are the single-server form of the schema. A cluster takes the same
 * catalogue rendered with ON CLUSTER, replicated and distributed tables (deploy/README.md),
 * applied by an operator, so a process configured for a cluster never applies them itself.
 */
export function refuseClusterMigrations(config: AppConfig['clickhouse']): void {
  if (config.mode !== 'server' || !config.cluster) return;
  throw new MigrationError(
    `CLICKHOUSE_CLUSTER=${config.cluster}: the migration files are for one server. Apply ` +
      `\`npm run schema:generate -- cluster ${config.cluster}\` once and start with RUN_MIGRATIONS=false ` +
      '(deploy/README.md).',
  );
}

function refusePreSquashHistory(applied: Map<number, { name: string }>, database: string): void {
  if (applied.get(1)?.name !== PRE_SQUASH_FIRST) return;
  throw new MigrationError(
    `ClickHouse database ${database} applied the migrations 0001-0099 that were squashed into 0001_baseline.sql ` +
      '(schemas/clickhouse/README.md). Reset it, which drops its data: `npm run cli -- clickhouse-reset --yes` ' +
      '(embedded engine: with the service stopped).',
  );
}

/**
 * Applies numbered, forward-only SQL files and records name and checksum of every applied file;
 * an applied file that was changed, renamed or removed stops the start-up instead of leaving the
 * schema in an unknown state. A file is recorded once all its statements ran: a file cut short
 * runs again from its first statement, so the statements of a file with several are repeatable
 * (IF NOT EXISTS). Migrations assume one migrating process at a time with ingest stopped, as at
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
      'SELECT version, argMax(name, applied_at) AS name, argMax(checksum, applied_at) AS checksum ' +
        'FROM schema_migrations GROUP BY version',
    );
    const applied = new Map(rows.map((r) => [Number(r.version), r]));
    refusePreSquashHistory(applied, this.clickhouse.database);
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
      for (const statement of file.statements) await this.clickhouse.command(statement);
      await this.clickhouse.insert('schema_migrations', [
        { version: file.version, name: file.name, checksum: file.checksum },
      ]);
      done.push(file.name);
    }
    return { applied: done };
  }
}
