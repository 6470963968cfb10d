import type { Queryable } from './postgres';

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

  /** One quota per subject, unit and period: setting it again changes its limit. */
  async upsert(q: QuotaSetting): Promise<QuotaRow> {
    const [row] = await this.db.query<QuotaRow[]>(
      `INSERT INTO quotas (team_id, user_id, api_key_id, unit, period, "limit") VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (team_id, coalesce(user_id, api_key_id), unit, period)
       DO UPDATE SET "limit" = EXCLUDED."limit" RETURNING ${COLUMNS}`,
      [q.teamId, q.userId, q.apiKeyId, q.unit, q.period, q.limit],
    );
    return row;
  }

  ofTeams(teamIds: readonly string[]): Promise<QuotaRow[]> {
    return this.db.query<QuotaRow[]>(`SELECT ${COLUMNS} FROM quotas WHERE team_id = ANY($1::uuid[])`, [teamIds]);
  }

  /** The quotas that limit a key: on the key itself and on its holder, in the key's team. */
  limiting(teamId: string, userId: string, apiKeyId: string): Promise<QuotaRow[]> {
    return this.db.query<QuotaRow[]>(
      `SELECT ${COLUMNS} FROM quotas WHERE team_id = $1 AND (user_id = $2 OR api_key_id = $3)`,
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

/** The column and id a quota limits (the table's CHECK sets exactly one of user_id and api_key_id). */
export function quotaSubject(row: Pick<QuotaRow, 'user_id' | 'api_key_id'>): {
  column: 'user_id' | 'api_key_id';
  id: string;
} {
  if (row.user_id) return { column: 'user_id', id: row.user_id };
  if (row.api_key_id) return { column: 'api_key_id', id: row.api_key_id };
  throw new Error('a quota names neither a user nor a key');
}
