/** What a repository needs from Postgres: a DataSource outside a transaction, an EntityManager inside one. */
export interface Queryable {
  query<T>(sql: string, parameters?: unknown[]): Promise<T>;
}

/** TypeORM answers an UPDATE or DELETE on pg with [rows, count]. */
export type UpdateResult<Row> = [Row[], number];
