/** What a repository needs from Postgres: a DataSource outside a transaction, an EntityManager inside one. */
export interface Queryable {
  query<T>(sql: string, parameters?: unknown[]): Promise<T>;
}

/** TypeORM answers an UPDATE or DELETE on pg with [rows, count]. */
export type UpdateResult<Row> = [Row[], number];

export const PG_UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): error is { code: string; constraint?: string } {
  return (error as { code?: string } | null)?.code === PG_UNIQUE_VIOLATION;
}

/** Groups rows by a key, each requested key answered (empty when nothing matched): a DataLoader's batch answer. */
export function groupedBy<Row>(keys: readonly string[], rows: Row[], keyOf: (row: Row) => string): Row[][] {
  const groups = new Map<string, Row[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((k) => groups.get(k) ?? []);
}

/** One row per requested key (undefined when missing): a DataLoader's batch answer. */
export function indexedBy<Row>(
  keys: readonly string[],
  rows: Row[],
  keyOf: (row: Row) => string,
): Array<Row | undefined> {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((k) => found.get(k));
}
