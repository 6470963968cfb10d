import type { Queryable, UpdateResult } from './postgres';

export type QuotaUnit = 'TOKENS' | 'CREDITS';
export type QuotaPeriod = 'DAY' | 'MONTH';

export interface QuotaRow {
  id: string;
  team_id: string;
  user_id: string | null;
  api_key_id: string | null;
  unit: QuotaUnit;
  period: QuotaPeriod;
  /** numeric(24, 6): pg returns it as a string, exact */
  limit: string;
}

export interface QuotaSetting {
  teamId: string;
  userId: string | null;
  apiKeyId: string | null;
  unit: QuotaUnit;
  period: QuotaPeriod;
  limit: number;
}

const COLUMNS = 'id, team_id, user_id, api_key_id, unit, period, "limit"';

export class QuotaRepository {
  constructor(private readonly db: Queryable) {}

  /** One quota per subject (a member, a key or the whole team), unit and period: setting it again changes its limit. */
  async upsert(q: QuotaSetting): Promise<QuotaRow> {
    const [row] = await this.db.query<QuotaRow[]>(
      `INSERT INTO quotas (team_id, user_id, api_key_id, unit, period, "limit") VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (team_id, coalesce(user_id, api_key_id, team_id), unit, period)
       DO UPDATE SET "limit" = EXCLUDED."limit" RETURNING ${COLUMNS}`,
      [q.teamId, q.userId, q.apiKeyId, q.unit, q.period, q.limit],
    );
    return row;
  }

  async byId(id: string): Promise<QuotaRow | undefined> {
    const [row] = await this.db.query<QuotaRow[]>(`SELECT ${COLUMNS} FROM quotas WHERE id = $1`, [id]);
    return row;
  }

  /** Whether there was such a quota. */
  async delete(id: string): Promise<boolean> {
    const [, count] = await this.db.query<UpdateResult<{ id: string }>>(
      'DELETE FROM quotas WHERE id = $1 RETURNING id',
      [id],
    );
    return count > 0;
  }

  ofTeams(teamIds: readonly string[]): Promise<QuotaRow[]> {
    return this.db.query<QuotaRow[]>(`SELECT ${COLUMNS} FROM quotas WHERE team_id = ANY($1::uuid[])`, [teamIds]);
  }

  /** The quotas that limit a key: on the key itself, on its holder and on the whole of the key's team. */
  limiting(teamId: string, userId: string, apiKeyId: string): Promise<QuotaRow[]> {
    return this.db.query<QuotaRow[]>(
      `SELECT ${COLUMNS} FROM quotas
       WHERE team_id = $1 AND (user_id = $2 OR api_key_id = $3 OR (user_id IS NULL AND api_key_id IS NULL))`,
      [teamId, userId, apiKeyId],
    );
  }

  /** Quotas on a user and on their keys, in one team or in all. */
  onUserOrTheirKeys(userId: string, teamId: string | null): Promise<QuotaRow[]> {
    return this.db.query<QuotaRow[]>(
      `SELECT q.id, q.team_id, q.user_id, q.api_key_id, q.unit, q.period, q."limit"
       FROM quotas q LEFT JOIN api_keys k ON k.id = q.api_key_id
       WHERE (q.user_id = $1 OR k.user_id = $1) AND ($2::uuid IS NULL OR q.team_id = $2)`,
      [userId, teamId],
    );
  }
}

/** What a quota limits: use of a member, of a key, or (neither set) of the whole team. */
export interface QuotaSubject {
  column: 'user_id' | 'api_key_id' | 'team_id';
  id: string;
}

export function quotaSubject(row: Pick<QuotaRow, 'team_id' | 'user_id' | 'api_key_id'>): QuotaSubject {
  if (row.user_id) return { column: 'user_id', id: row.user_id };
  if (row.api_key_id) return { column: 'api_key_id', id: row.api_key_id };
  return { column: 'team_id', id: row.team_id };
}
