import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ad hoc SQL: every run is audited (who, what text and its hash, in which scope, what it read,
 * how it ended), and queries can be saved, private to their owner or shared within a team.
 */
export class SqlAuditAndSavedQueries1000000000004 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sql_audit (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        query text NOT NULL,
        query_sha256 char(64) NOT NULL,
        scope text NOT NULL,
        team_id uuid,
        saved_query_id uuid,
        rows_read bigint NOT NULL DEFAULT 0,
        bytes_read bigint NOT NULL DEFAULT 0,
        elapsed_ms double precision NOT NULL DEFAULT 0,
        outcome text NOT NULL,
        error_code text
      )`);
    await q.query(`
      CREATE TABLE saved_queries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        sql text NOT NULL,
        team_id uuid REFERENCES teams (id) ON DELETE CASCADE,
        shared boolean NOT NULL DEFAULT false,
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (NOT shared OR team_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX saved_queries_by_team ON saved_queries (team_id) WHERE shared`);
    await q.query(`CREATE INDEX saved_queries_by_owner ON saved_queries (owner_id)`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('migrations are forward-only'));
  }
}
