import type { Queryable, UpdateResult } from './postgres';

export interface ApiKeyRow {
  id: string;
  team_id: string | null;
  user_id: string;
  name: string;
  prefix: string;
  last4: string;
  secret_hash: string;
  status: 'ACTIVE' | 'REVOKED';
  revoked_reason: string | null;
  expires_at: Date | null;
  test: boolean;
  created_at: Date;
}

export interface NewApiKey {
  teamId: string | null;
  userId: string;
  name: string;
  prefix: string;
  last4: string;
  secretHash: string;
  expiresAt: Date | null;
  test: boolean;
}

export class ApiKeyRepository {
  constructor(private readonly db: Queryable) {}

  async insert(k: NewApiKey): Promise<ApiKeyRow> {
    const [row] = await this.db.query<ApiKeyRow[]>(
      `INSERT INTO api_keys (team_id, user_id, name, prefix, last4, secret_hash, expires_at, test)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [k.teamId, k.userId, k.name, k.prefix, k.last4, k.secretHash, k.expiresAt, k.test],
    );
    return row;
  }

  async byId(id: string): Promise<ApiKeyRow | undefined> {
    const [row] = await this.db.query<ApiKeyRow[]>('SELECT * FROM api_keys WHERE id = $1', [id]);
    return row;
  }

  byIds(ids: readonly string[]): Promise<ApiKeyRow[]> {
    return this.db.query<ApiKeyRow[]>('SELECT * FROM api_keys WHERE id = ANY($1::uuid[])', [ids]);
  }

  async bySecretHash(secretHash: string): Promise<ApiKeyRow | undefined> {
    const [row] = await this.db.query<ApiKeyRow[]>('SELECT * FROM api_keys WHERE secret_hash = $1', [secretHash]);
    return row;
  }

  /** Keeps the first revocation's reason (a seat reclaim stays visible as such). */
  async revoke(id: string): Promise<ApiKeyRow> {
    const [rows] = await this.db.query<UpdateResult<ApiKeyRow>>(
      `UPDATE api_keys SET status = 'REVOKED', revoked_reason = coalesce(revoked_reason, 'revoked')
       WHERE id = $1 RETURNING *`,
      [id],
    );
    return rows[0];
  }

  /** Stops every active key a member holds in a team, at once. */
  async revokeHolderKeys(teamId: string, userId: string, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE api_keys SET status = 'REVOKED', revoked_reason = $3
       WHERE team_id = $1 AND user_id = $2 AND status = 'ACTIVE'`,
      [teamId, userId, reason],
    );
  }

  ofTeams(teamIds: readonly string[]): Promise<ApiKeyRow[]> {
    return this.db.query<ApiKeyRow[]>('SELECT * FROM api_keys WHERE team_id = ANY($1::uuid[]) ORDER BY created_at', [
      teamIds,
    ]);
  }
}
