import type { Queryable, UpdateResult } from './postgres';

export interface AccessTokenRow {
  id: string;
  user_id: string;
  name: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, user_id, name, created_at, expires_at, last_used_at, revoked_at';

export class AccessTokenRepository {
  constructor(private readonly db: Queryable) {}

  async insert(userId: string, name: string, tokenHash: string, expiresAt: Date | null): Promise<AccessTokenRow> {
    const [row] = await this.db.query<AccessTokenRow[]>(
      `INSERT INTO access_tokens (user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [userId, name, tokenHash, expiresAt],
    );
    return row;
  }

  /** Revokes a live token of `userId` (of anyone's with `anyUser`); answers whether one was revoked. */
  async revoke(id: string, userId: string, anyUser: boolean): Promise<boolean> {
    const [, count] = await this.db.query<UpdateResult<{ id: string }>>(
      `UPDATE access_tokens SET revoked_at = now()
       WHERE id = $1 AND revoked_at IS NULL AND (user_id = $2 OR $3::boolean) RETURNING id`,
      [id, userId, anyUser],
    );
    return count > 0;
  }

  /** Whether the token exists and is `userId`'s (or anyone's with `anyUser`), revoked or not. */
  async isVisible(id: string, userId: string, anyUser: boolean): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      'SELECT 1 FROM access_tokens WHERE id = $1 AND (user_id = $2 OR $3::boolean)',
      [id, userId, anyUser],
    );
    return rows.length > 0;
  }

  ofUsers(userIds: readonly string[]): Promise<AccessTokenRow[]> {
    return this.db.query<AccessTokenRow[]>(
      `SELECT ${COLUMNS} FROM access_tokens WHERE user_id = ANY($1::uuid[]) ORDER BY created_at`,
      [userIds],
    );
  }
}
