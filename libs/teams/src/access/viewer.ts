import DataLoader from 'dataloader';
import { ForbiddenError, PlatformRole, Principal, UnauthenticatedError } from '@app/auth';
import type { TeamRole } from '../persistence';
import { MembershipReader } from './membership.reader';

/**
 * The person a GraphQL request acts for, with what access decisions need, loaded once per
 * request: their teams and roles, and (batched) which users share a team with them and who
 * owns a key.
 */
export class Viewer {
  private roles?: Promise<Map<string, TeamRole>>;
  private readonly coMembers: DataLoader<string, boolean>;
  private readonly keyOwners: DataLoader<string, string | null>;

  constructor(
    readonly userId: string,
    private readonly platformRoles: readonly PlatformRole[],
    private readonly memberships: MembershipReader,
  ) {
    this.coMembers = new DataLoader(async (userIds) => {
      const found = await this.memberships.membersOfAny(userIds, [...(await this.teamRoles()).keys()]);
      return userIds.map((id) => found.has(id));
    });
    this.keyOwners = new DataLoader(async (keyIds) => {
      const found = await this.memberships.keys(keyIds);
      return keyIds.map((id) => found.get(id)?.userId ?? null);
    });
  }

  static of(principal: Principal | undefined, memberships: MembershipReader): Viewer {
    if (!principal) throw new UnauthenticatedError();
    if (principal.kind !== 'user')
      throw new ForbiddenError('GraphQL needs a personal access token, not a service token');
    return new Viewer(principal.userId, principal.platformRoles, memberships);
  }

  hasPlatformRole(...roles: PlatformRole[]): boolean {
    return roles.some((r) => this.platformRoles.includes(r));
  }

  private teamRoles(): Promise<Map<string, TeamRole>> {
    this.roles ??= this.memberships.rolesOf(this.userId);
    return this.roles;
  }

  async roleIn(teamId: string | null): Promise<TeamRole | null> {
    return teamId ? ((await this.teamRoles()).get(teamId) ?? null) : null;
  }

  async isMemberOf(teamId: string | null): Promise<boolean> {
    return (await this.roleIn(teamId)) !== null;
  }

  async manages(teamId: string | null): Promise<boolean> {
    const role = await this.roleIn(teamId);
    return role === 'OWNER' || role === 'ADMIN';
  }

  sharesTeamWith(userId: string): Promise<boolean> {
    return this.coMembers.load(userId);
  }

  async ownsKey(apiKeyId: string | null): Promise<boolean> {
    return apiKeyId !== null && (await this.keyOwners.load(apiKeyId)) === this.userId;
  }
}
