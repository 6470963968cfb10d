import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { newSecret, sha256 } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import { CreateAccessTokenCommand, CreateUserCommand, RevokeAccessTokenCommand } from './commands';

export interface UserRow {
  id: string;
  username: string;
  email: string;
  platform_roles: string[];
  created_at: Date;
}

export interface AccessTokenRow {
  id: string;
  user_id: string;
  name: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** Users and their personal access tokens (shown once, stored as SHA-256). */
@Injectable()
export class UsersService {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  async createUser(cmd: CreateUserCommand, manager: EntityManager = this.postgres.manager): Promise<{ user: UserRow; accessToken: string }> {
    try {
      const [user] = await manager.query('INSERT INTO users (username, email, platform_roles) VALUES ($1, $2, $3) RETURNING *', [
        cmd.username,
        cmd.email.toLowerCase(),
        cmd.platformRoles,
      ]);
      const accessToken = await this.issueToken(manager, user.id, 'initial');
      return { user, accessToken };
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new ConflictError('a user with that username or email exists');
      throw error;
    }
  }

  /** The first platform ADMIN, only on an empty database. */
  async bootstrap(cmd: CreateUserCommand): Promise<{ user: UserRow; accessToken: string }> {
    return this.postgres.transaction('SERIALIZABLE', async (manager) => {
      const [{ count }] = await manager.query('SELECT count(*)::int AS count FROM users');
      if (count > 0) throw new ConflictError('bootstrap runs only on an empty database; ask a platform ADMIN for an account');
      return this.createUser({ ...cmd, platformRoles: ['ADMIN'] }, manager);
    });
  }

  async createAccessToken(cmd: CreateAccessTokenCommand, userId: string): Promise<{ id: string; name: string; token: string }> {
    const token = newSecret('uat');
    const [row] = await this.postgres.query(
      'INSERT INTO access_tokens (user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING id, name',
      [userId, cmd.name.trim(), sha256(token), cmd.expiresAt ?? null],
    );
    return { id: row.id, name: row.name, token };
  }

  /**
   * A user revokes their own tokens; a platform ADMIN anyone's (a leaked token is an incident).
   * Someone else's token answers NOT_FOUND, so ids cannot be probed.
   */
  async revokeAccessToken(cmd: RevokeAccessTokenCommand, userId: string, asPlatformAdmin: boolean): Promise<boolean> {
    const [, count] = await this.postgres.query(
      `UPDATE access_tokens SET revoked_at = now()
       WHERE id = $1 AND revoked_at IS NULL AND (user_id = $2 OR $3::boolean)`,
      [cmd.id, userId, asPlatformAdmin],
    );
    if (count === 0) {
      const [known] = await this.postgres.query('SELECT revoked_at FROM access_tokens WHERE id = $1 AND (user_id = $2 OR $3::boolean)', [cmd.id, userId, asPlatformAdmin]);
      if (!known) throw new NotFoundError('no access token of yours with that id');
    }
    return true;
  }

  async accessTokensOf(userId: string): Promise<AccessTokenRow[]> {
    return this.postgres.query(
      'SELECT id, user_id, name, created_at, expires_at, last_used_at, revoked_at FROM access_tokens WHERE user_id = $1 ORDER BY created_at',
      [userId],
    );
  }

  private async issueToken(manager: EntityManager, userId: string, name: string): Promise<string> {
    const token = newSecret('uat');
    await manager.query('INSERT INTO access_tokens (user_id, name, token_hash) VALUES ($1, $2, $3)', [userId, name, sha256(token)]);
    return token;
  }

  async byIds(ids: readonly string[]): Promise<UserRow[]> {
    return this.postgres.query('SELECT * FROM users WHERE id = ANY($1::uuid[])', [ids]);
  }
}
