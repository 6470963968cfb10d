import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual, createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { Principal } from './principal';

/** Resolves a bearer token to a principal; more token kinds register as resolvers. */
export interface TokenResolver {
  resolve(token: string): Promise<Principal | null>;
}

export const TOKEN_RESOLVERS = Symbol('TOKEN_RESOLVERS');

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

@Injectable()
export class AuthService {
  private readonly serviceTokenDigests: Buffer[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(TOKEN_RESOLVERS) private readonly resolvers: TokenResolver[],
  ) {
    this.serviceTokenDigests = config.auth.serviceTokens.map(digest);
  }

  async authenticate(token: string | undefined): Promise<Principal | null> {
    if (!token) return null;
    if (this.isServiceToken(token)) return { kind: 'service' };
    for (const resolver of this.resolvers) {
      const principal = await resolver.resolve(token);
      if (principal) return principal;
    }
    return null;
  }

  /**
   * Compares digests, so each comparison is constant-time whatever the lengths, and compares with
   * every configured token without stopping at a match, so the time does not tell which one it was.
   */
  isServiceToken(token: string): boolean {
    const presented = digest(token);
    let matched = false;
    for (const configured of this.serviceTokenDigests) matched = timingSafeEqual(presented, configured) || matched;
    return matched;
  }
}
