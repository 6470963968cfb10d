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
  private readonly serviceTokenDigest?: Buffer;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(TOKEN_RESOLVERS) private readonly resolvers: TokenResolver[],
  ) {
    this.serviceTokenDigest = config.auth.serviceToken ? digest(config.auth.serviceToken) : undefined;
  }

  async authenticate(token: string | undefined): Promise<Principal | null> {
    if (!token) return null;
    // compare digests so the comparison is constant-time whatever the lengths
    if (this.serviceTokenDigest && timingSafeEqual(digest(token), this.serviceTokenDigest)) {
      return { kind: 'service' };
    }
    for (const resolver of this.resolvers) {
      const principal = await resolver.resolve(token);
      if (principal) return principal;
    }
    return null;
  }
}
