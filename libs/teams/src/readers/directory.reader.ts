import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** How an id from the usage data reads on a page. */
export interface DirectoryEntry {
  id: string;
  label: string;
  email: string | null;
  teamNames: string[];
}

interface EntryRow {
  id: string;
  label: string;
  email: string | null;
  team_names: string[];
}

const LOOKUPS = {
  teams: {
    table: 'teams',
    sql: `SELECT id::text AS id, name AS label, NULL AS email, '{}'::text[] AS team_names
          FROM teams WHERE id = ANY($1::uuid[])`,
  },
  users: {
    table: 'memberships',
    sql: `SELECT u.id::text AS id, u.username AS label, u.email,
            coalesce(array_agg(t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL), '{}') AS team_names
          FROM users u LEFT JOIN memberships m ON m.user_id = u.id LEFT JOIN teams t ON t.id = m.team_id
          WHERE u.id = ANY($1::uuid[]) GROUP BY u.id`,
  },
  apiKeys: {
    table: 'api_keys',
    sql: `SELECT id::text AS id, name AS label, NULL AS email, '{}'::text[] AS team_names
          FROM api_keys WHERE id = ANY($1::uuid[])`,
  },
} as const;

/**
 * Names, emails and team badges for the team, user and key ids that usage answers carry, one
 * query per kind and request. Until teams' tables exist (a fresh database before its
 * migrations) nothing is found and callers fall back to the ids.
 */
@Injectable()
export class DirectoryReader {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  async lookup(kind: keyof typeof LOOKUPS, ids: readonly string[]): Promise<DirectoryEntry[]> {
    const { table, sql } = LOOKUPS[kind];
    if (ids.length === 0 || !(await this.tableExists(table))) return [];
    const rows = await this.postgres.query<EntryRow[]>(sql, [ids]);
    return rows.map((r) => ({ id: r.id, label: r.label, email: r.email, teamNames: r.team_names }));
  }

  private async tableExists(table: string): Promise<boolean> {
    const [row] = await this.postgres.query<Array<{ present: boolean }>>(
      'SELECT to_regclass($1) IS NOT NULL AS present',
      [`public.${table}`],
    );
    return row.present;
  }
}
