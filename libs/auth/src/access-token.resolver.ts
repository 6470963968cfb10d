import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { TokenResolver } from './auth.service';
import type { PlatformRole, Principal } from './principal';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A fresh secret with a readable prefix; only its SHA-256 is ever stored. */
export function newSecret(prefix: string, bytes = 24): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

/** Personal access tokens (`uat_…`), stored as SHA-256 hashes. */
@Injectable()
export class AccessTokenResolver implements TokenResolver {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  async resolve(token: string): Promise<Principal | null> {
    if (!token.startsWith('uat_')) return null;
    const [row] = await this.postgres.query(
      `SELECT u.id, u.platform_roles FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`,
      [sha256(token)],
    );
    return row ? { kind: 'user', userId: row.id, platformRoles: row.platform_roles as PlatformRole[] } : null;
  }
}
