import { Injectable, Logger } from '@nestjs/common';
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

interface TokenRow {
  token_id: string;
  stale_use: boolean;
  id: string;
  platform_roles: PlatformRole[];
}

/**
 * Personal access tokens (`uat_…`), stored as SHA-256 hashes. Every request reads the token's
 * row, so an expired or revoked token fails at once (no cache to outlive a revocation). The
 * last use is written at most once a minute per token, off the request's path.
 */
@Injectable()
export class AccessTokenResolver implements TokenResolver {
  private readonly logger = new Logger(AccessTokenResolver.name);

  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  async resolve(token: string): Promise<Principal | null> {
    if (!token.startsWith('uat_')) return null;
    const [row] = await this.postgres.query<TokenRow[]>(
      `SELECT t.id AS token_id, t.last_used_at < now() - interval '1 minute' OR t.last_used_at IS NULL AS stale_use,
              u.id, u.platform_roles
       FROM access_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [sha256(token)],
    );
    if (!row) return null;
    if (row.stale_use) {
      this.postgres
        .query('UPDATE access_tokens SET last_used_at = now() WHERE id = $1', [row.token_id])
        .catch((error: unknown) => this.logger.warn(`recording an access token use failed: ${String(error)}`));
    }
    return { kind: 'user', userId: row.id, tokenId: row.token_id, platformRoles: row.platform_roles };
  }
}
