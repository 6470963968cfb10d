export type PlatformRole = 'ADMIN' | 'FINANCE' | 'SRE';

/** Who is calling: the model gateway's service token, or a user through a personal access token. */
export type Principal =
  { kind: 'service' } | { kind: 'user'; userId: string; tokenId?: string; platformRoles: PlatformRole[] };

/** Whether the caller is a person holding at least one of the platform roles. */
export function hasPlatformRole(principal: Principal | undefined, ...roles: PlatformRole[]): boolean {
  return principal?.kind === 'user' && roles.some((role) => principal.platformRoles.includes(role));
}
