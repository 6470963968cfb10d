export type PlatformRole = 'ADMIN' | 'FINANCE' | 'SRE';

/** Who is calling: the model gateway's service token, or a user through a personal access token. */
export type Principal = { kind: 'service' } | { kind: 'user'; userId: string; tokenId?: string; platformRoles: PlatformRole[] };
