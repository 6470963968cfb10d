import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PERSONAL_SPACE_TEAM_ID } from '@app/ingest';
import { UsageDimension } from './dto/usage-enums';

export interface Description {
  label: string;
  email: string | null;
  teamNames: string[];
}

/**
 * Names, emails and team badges for ids that come out of ClickHouse, read from the team
 * service's Postgres tables in one query per dimension and request (no N+1). Until those
 * tables exist (or for ids they do not know) the id itself is the label.
 */
@Injectable()
export class LabelDirectory {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  async labelsFor(dimension: UsageDimension, keys: string[]): Promise<Map<string, string>> {
    const described = await this.describe(dimension, keys);
    return new Map([...described].map(([k, d]) => [k, d.label]));
  }

  async describe(dimension: UsageDimension, keys: string[]): Promise<Map<string, Description>> {
    const out = new Map<string, Description>();
    for (const key of keys) out.set(key, { label: key === PERSONAL_SPACE_TEAM_ID && dimension === UsageDimension.TEAM ? 'Personal space' : key, email: null, teamNames: [] });
    const ids = keys.filter((k) => k !== PERSONAL_SPACE_TEAM_ID);
    if (ids.length === 0) return out;
    const rows = await this.lookup(dimension, ids);
    for (const row of rows) out.set(row.id, { label: row.label, email: row.email ?? null, teamNames: row.team_names ?? [] });
    return out;
  }

  private async lookup(dimension: UsageDimension, ids: string[]): Promise<Array<{ id: string; label: string; email?: string; team_names?: string[] }>> {
    const query = LOOKUPS[dimension];
    if (!query || !(await this.tableExists(query.table))) return [];
    return this.postgres.query(query.sql, [ids]);
  }

  private async tableExists(table: string): Promise<boolean> {
    const [row] = await this.postgres.query('SELECT to_regclass($1) IS NOT NULL AS present', [`public.${table}`]);
    return row.present === true;
  }
}

const LOOKUPS: Partial<Record<UsageDimension, { table: string; sql: string }>> = {
  [UsageDimension.TEAM]: { table: 'teams', sql: 'SELECT id::text AS id, name AS label FROM teams WHERE id = ANY($1::uuid[])' },
  [UsageDimension.USER]: {
    table: 'memberships',
    sql: `SELECT u.id::text AS id, u.username AS label, u.email,
            coalesce(array_agg(t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL), '{}') AS team_names
          FROM users u LEFT JOIN memberships m ON m.user_id = u.id LEFT JOIN teams t ON t.id = m.team_id
          WHERE u.id = ANY($1::uuid[]) GROUP BY u.id`,
  },
  [UsageDimension.API_KEY]: { table: 'api_keys', sql: 'SELECT id::text AS id, name AS label FROM api_keys WHERE id = ANY($1::uuid[])' },
};
