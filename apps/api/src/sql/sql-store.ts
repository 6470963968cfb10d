import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { UserRow } from '@app/teams';
import type { SqlScopeKind } from './sql-relations';

export type SqlOutcome = 'OK' | 'REFUSED' | 'LIMIT' | 'ERROR';

export interface SqlAuditRecord {
  userId: string;
  query: string;
  querySha256: string;
  scope: SqlScopeKind;
  teamId: string | null;
  savedQueryId: string | null;
  rowsRead: number;
  bytesRead: number;
  elapsedMs: number;
  outcome: SqlOutcome;
  errorCode: string | null;
}

export interface SqlAuditRow {
  id: string;
  user_id: string;
  at: Date;
  query: string;
  query_sha256: string;
  scope: SqlScopeKind;
  team_id: string | null;
  saved_query_id: string | null;
  rows_read: string;
  bytes_read: string;
  elapsed_ms: number;
  outcome: SqlOutcome;
  error_code: string | null;
}

export interface SavedQueryRow {
  id: string;
  name: string;
  sql: string;
  team_id: string | null;
  shared: boolean;
  owner_id: string;
  created_at: Date;
}

/** The Postgres side of ad hoc SQL: the audit trail and saved queries. */
@Injectable()
export class SqlStore {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  async audit(r: SqlAuditRecord): Promise<void> {
    await this.postgres.query(
      `INSERT INTO sql_audit (user_id, query, query_sha256, scope, team_id, saved_query_id, rows_read, bytes_read,
         elapsed_ms, outcome, error_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        r.userId,
        r.query,
        r.querySha256,
        r.scope,
        r.teamId,
        r.savedQueryId,
        r.rowsRead,
        r.bytesRead,
        r.elapsedMs,
        r.outcome,
        r.errorCode,
      ],
    );
  }

  /** Newest first; `afterId` is the last id of the previous page. */
  auditPage(first: number, afterId?: string): Promise<SqlAuditRow[]> {
    return this.postgres.query(
      `SELECT * FROM sql_audit WHERE ($1::bigint IS NULL OR id < $1::bigint) ORDER BY id DESC LIMIT $2`,
      [afterId ?? null, first],
    );
  }

  async saveQuery(q: { name: string; sql: string; teamId: string | null; shared: boolean; ownerId: string }) {
    const [row] = await this.postgres.query<SavedQueryRow[]>(
      `INSERT INTO saved_queries (name, sql, team_id, shared, owner_id) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [q.name, q.sql, q.teamId, q.shared, q.ownerId],
    );
    return row;
  }

  async user(id: string): Promise<UserRow | undefined> {
    const [row] = await this.postgres.query<UserRow[]>(
      'SELECT id, username, email, platform_roles, created_at FROM users WHERE id = $1',
      [id],
    );
    return row;
  }

  async savedQuery(id: string): Promise<SavedQueryRow | undefined> {
    const [row] = await this.postgres.query<SavedQueryRow[]>('SELECT * FROM saved_queries WHERE id = $1', [id]);
    return row;
  }

  /** The owner's own queries (of the team, when given) and, with a team, the ones shared in it. */
  savedQueries(ownerId: string, teamId: string | null): Promise<SavedQueryRow[]> {
    return this.postgres.query(
      `SELECT * FROM saved_queries
        WHERE (owner_id = $1 AND ($2::uuid IS NULL OR team_id = $2::uuid)) OR (shared AND team_id = $2::uuid)
        ORDER BY name, id`,
      [ownerId, teamId],
    );
  }
}
