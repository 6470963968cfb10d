import { Injectable } from '@nestjs/common';
import { ForbiddenError, Principal } from '@app/auth';
import { BadUserInputError } from '@app/errors';
import { MembershipReader } from '@app/teams';
import type { CallLogReach } from './call-logs.query';
import { UsageFilterInput } from './dto/usage-filter.input';

export type UsageView = 'aggregates' | 'callLogs';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** Platform ADMIN and SRE read every usage, FINANCE every aggregate. */
function readsEveryone(principal: UserPrincipal, view: UsageView): boolean {
  const roles = new Set(principal.platformRoles);
  return roles.has('ADMIN') || roles.has('SRE') || (roles.has('FINANCE') && view === 'aggregates');
}

/**
 * Who may read which usage, in one place:
 * - platform ADMIN and SRE: everything;
 * - FINANCE: aggregates (usage and cost) of every team, not the raw call logs;
 * - team Owners and Admins: their teams' usage and their members';
 * - everyone: their own usage, in the teams they belong to. A filter without team or user ids
 *   means "my own usage".
 * Every id of the filter is checked: a team, user or key outside that scope is FORBIDDEN, never
 * an empty answer. Service tokens read no usage (GraphQL refuses them before this).
 */
@Injectable()
export class UsageAccessPolicy {
  constructor(private readonly memberships: MembershipReader) {}

  async scope(principal: Principal | undefined, filter: UsageFilterInput, view: UsageView): Promise<UsageFilterInput> {
    if (principal?.kind !== 'user') throw new ForbiddenError('usage is read with a personal access token');
    const { memberOfTeamIds, ...rest } = filter;
    return memberOfTeamIds?.length
      ? this.scopeMembersOf(principal, rest, memberOfTeamIds, view)
      : this.scopeIds(principal, rest, view);
  }

  /**
   * memberOfTeamIds: the calls of the people who are members of these teams now (from Postgres),
   * resolved here to userIds so that reads know user ids only. The caller must see each team's
   * people: platform ADMIN and SRE, FINANCE for aggregates, or the team's OWNER or ADMIN, who
   * read those people's calls in the teams asked for, else in every team they own or administer.
   * Given userIds are checked as without it, then narrowed to the members.
   */
  private async scopeMembersOf(
    principal: UserPrincipal,
    filter: UsageFilterInput,
    memberOfTeamIds: string[],
    view: UsageView,
  ): Promise<UsageFilterInput> {
    const checked = await this.scopeIds(principal, filter, view);
    let teamIds = checked.teamIds;
    if (!readsEveryone(principal, view)) {
      const roles = await this.memberships.rolesOf(principal.userId);
      const managed = [...roles].filter(([, role]) => role !== 'MEMBER').map(([team]) => team);
      const foreign = memberOfTeamIds.find((team) => !managed.includes(team));
      if (foreign) throw new ForbiddenError(`memberOfTeamIds: ${foreign} is not a team you own or administer`);
      teamIds = checked.teamIds?.length ? checked.teamIds : managed;
    }
    const members = await this.memberships.membersOf(memberOfTeamIds);
    const userIds = filter.userIds?.length ? filter.userIds.filter((u) => members.has(u)) : [...members];
    // an empty list would mean "no user filter": a filter that can match no one is refused instead
    if (userIds.length === 0) {
      throw new BadUserInputError('userIds: none of them is a member of the memberOfTeamIds teams');
    }
    return { ...checked, teamIds, userIds };
  }

  private async scopeIds(
    principal: UserPrincipal,
    filter: UsageFilterInput,
    view: UsageView,
  ): Promise<UsageFilterInput> {
    if (readsEveryone(principal, view)) return filter;

    const me = principal.userId;
    const roles = await this.memberships.rolesOf(me);
    const managed = [...roles].filter(([, role]) => role !== 'MEMBER').map(([team]) => team);
    const teamIds = filter.teamIds ?? [];
    const userIds = filter.userIds ?? [];
    const onlySelf = userIds.length > 0 && userIds.every((u) => u === me);

    for (const team of teamIds) {
      if (onlySelf ? !roles.has(team) : !managed.includes(team)) {
        throw new ForbiddenError(
          onlySelf
            ? `teamIds: ${team} is not a team of yours`
            : 'teamIds: you can see the usage of teams you own or administer, and your own',
        );
      }
    }
    const others = [...new Set(userIds.filter((u) => u !== me))];
    if (others.length > 0) {
      const within = teamIds.length ? teamIds : managed;
      if (within.length === 0) throw new ForbiddenError('userIds: you can see only your own usage');
      const members = await this.memberships.membersOfAny(others, within);
      const outsider = others.find((u) => !members.has(u));
      if (outsider) throw new ForbiddenError(`userIds: ${outsider} is not a member of a team you manage`);
    }
    await this.checkKeys(filter.apiKeyIds ?? [], me, managed);

    if (teamIds.length === 0 && userIds.length === 0) {
      // keys checked above are each readable: their usage is exactly what was asked for
      return filter.apiKeyIds?.length ? filter : { ...filter, userIds: [me] };
    }
    if (onlySelf) return filter;
    return { ...filter, teamIds: teamIds.length ? teamIds : managed };
  }

  /**
   * The calls one call log lookup may return, by the rules `scope` applies to callLogs: platform
   * ADMIN and SRE every call; anyone else (FINANCE included: it reads aggregates, not raw calls)
   * their own calls and those of the teams they own or administer.
   */
  async callLogReach(principal: Principal | undefined): Promise<CallLogReach> {
    if (principal?.kind !== 'user') throw new ForbiddenError('usage is read with a personal access token');
    const platformRoles = new Set(principal.platformRoles);
    if (platformRoles.has('ADMIN') || platformRoles.has('SRE')) return { everyone: true };
    const roles = await this.memberships.rolesOf(principal.userId);
    const managed = [...roles].filter(([, role]) => role !== 'MEMBER').map(([team]) => team);
    return { everyone: false, userId: principal.userId, teamIds: managed };
  }

  private async checkKeys(keyIds: string[], me: string, managed: string[]): Promise<void> {
    if (keyIds.length === 0) return;
    const keys = await this.memberships.keys(keyIds);
    for (const id of keyIds) {
      const key = keys.get(id);
      if (!key || (key.userId !== me && !(key.teamId && managed.includes(key.teamId)))) {
        throw new ForbiddenError(`apiKeyIds: ${id} is neither your key nor a key of a team you manage`);
      }
    }
  }
}
