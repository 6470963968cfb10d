import type { DataSource } from 'typeorm';
import { POSTGRES_MIGRATIONS } from './migrations';

/**
 * The Postgres migrations this build has that the database has not applied (all of them
 * before the first migration); reads only, so a replica that waits for the schema never
 * races the migrating process for the migrations table.
 */
export async function pendingPostgresMigrations(dataSource: DataSource): Promise<string[]> {
  const names = POSTGRES_MIGRATIONS.map((migration) => migration.name);
  const [{ table }] = await dataSource.query<Array<{ table: boolean }>>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS "table"`,
  );
  if (!table) return names;
  const rows: Array<{ name: string }> = await dataSource.query('SELECT name FROM schema_migrations');
  const applied = new Set(rows.map((r) => r.name));
  return names.filter((name) => !applied.has(name));
}
