import type { Queryable, UpdateResult } from './postgres';

/** SUSPENDED: refused until resumed; REVOKED: for good. */
export type ApiKeyStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED';

export interface ApiKeyRow {
  id: string;
  team_id: string | null;
  user_id: string;
  name: string;
  prefix: string;
  last4: string;
  secret_hash: string;
  status: ApiKeyStatus;
  revoked_reason: string | null;
  /** set exactly while SUSPENDED */
  suspended_at: Date | null;
  suspended_by: string | null;
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

  /** Keeps the first revocation's reason (a seat reclaim stays visible as such); a suspension ends in it. */
  async revoke(id: string): Promise<ApiKeyRow> {
    const [rows] = await this.db.query<UpdateResult<ApiKeyRow>>(
      `UPDATE api_keys SET status = 'REVOKED', revoked_reason = coalesce(revoked_reason, 'revoked'),
         suspended_at = NULL, suspended_by = NULL
       WHERE id = $1 RETURNING *`,
      [id],
    );
    return rows[0];
  }

  /** An ACTIVE key becomes SUSPENDED, remembering who suspended it; undefined when it was not ACTIVE. */
  async suspend(id: string, by: string): Promise<ApiKeyRow | undefined> {
    const [rows] = await this.db.query<UpdateResult<ApiKeyRow>>(
      `UPDATE api_keys SET status = 'SUSPENDED', suspended_at = now(), suspended_by = $2
       WHERE id = $1 AND status = 'ACTIVE' RETURNING *`,
      [id, by],
    );
    return rows[0];
  }

  /** A SUSPENDED key becomes ACTIVE again; undefined when it was not SUSPENDED. */
  async resume(id: string): Promise<ApiKeyRow | undefined> {
    const [rows] = await this.db.query<UpdateResult<ApiKeyRow>>(
      `UPDATE api_keys SET status = 'ACTIVE', suspended_at = NULL, suspended_by = NULL
       WHERE id = $1 AND status = 'SUSPENDED' RETURNING *`,
      [id],
    );
    return rows[0];
  }

  /** Stops every key a member holds in a team, at once (a suspended one too: it could be resumed). */
  async revokeHolderKeys(teamId: string, userId: string, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE api_keys SET status = 'REVOKED', revoked_reason = $3, suspended_at = NULL, suspended_by = NULL
       WHERE team_id = $1 AND user_id = $2 AND status <> 'REVOKED'`,
      [teamId, userId, reason],
    );
  }

  ofTeams(teamIds: readonly string[]): Promise<ApiKeyRow[]> {
    return this.db.query<ApiKeyRow[]>('SELECT * FROM api_keys WHERE team_id = ANY($1::uuid[]) ORDER BY created_at', [
      teamIds,
    ]);
  }
}
