import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenError, PlatformRole, Principal } from '@app/auth';
import { BadUserInputError, NotFoundError } from '@app/errors';
import { UsageFilterInput } from '@app/analytics';
import { assertUuid, MembershipReader } from '@app/teams';

/** A person acting on alerts (service tokens act on none). */
export interface AlertsActor {
  userId: string;
  platformRoles: readonly PlatformRole[];
}

export function alertsActor(principal: Principal | undefined): AlertsActor {
  if (principal?.kind !== 'user') throw new ForbiddenError('alerts need a personal access token');
  return { userId: principal.userId, platformRoles: principal.platformRoles };
}

/**
 * A team id as the caller sent it, checked before anything reads with it: platform roles skip the
 * membership lookup, and Postgres would refuse an empty or malformed one with an internal error.
 */
function checkTeamId(teamId: string | null): void {
  if (teamId !== null) assertUuid(teamId, 'teamId');
}

const has = (actor: AlertsActor, ...roles: PlatformRole[]) => roles.some((r) => actor.platformRoles.includes(r));

/**
 * Who may do what with alerts (README "Alerts, budgets and webhooks"):
 * - rules and webhooks of a team: its OWNER and ADMINs manage them; of the platform (no team):
 *   platform ADMIN and SRE. Platform ADMIN and SRE read every team's too.
 * - budgets: the team's OWNER and ADMINs and platform ADMIN and FINANCE set them; the team's
 *   members and platform ADMIN, SRE and FINANCE read them (a member sees only budgets on
 *   themselves or their keys: the Budget object rule).
 */
@Injectable()
export class AlertsAccess {
  constructor(
    private readonly memberships: MembershipReader,
    @InjectDataSource() private readonly postgres: DataSource,
  ) {}

  private async roleIn(actor: AlertsActor, teamId: string) {
    return (await this.memberships.rolesOf(actor.userId)).get(teamId) ?? null;
  }

  private async manages(actor: AlertsActor, teamId: string): Promise<boolean> {
    const role = await this.roleIn(actor, teamId);
    return role === 'OWNER' || role === 'ADMIN';
  }

  /** Managing rules and webhooks of a team, or of the platform when teamId is null. */
  async requireManager(actor: AlertsActor, teamId: string | null, what: string): Promise<void> {
    checkTeamId(teamId);
    if (teamId === null) {
      if (!has(actor, 'ADMIN', 'SRE'))
        throw new ForbiddenError(`platform ${what} are managed by platform ADMIN or SRE`);
      return;
    }
    if (!(await this.manages(actor, teamId))) {
      throw new ForbiddenError(`${what} of team ${teamId} are managed by its OWNER or ADMINs`);
    }
  }

  async requireRuleReader(actor: AlertsActor, teamId: string | null, what: string): Promise<void> {
    checkTeamId(teamId);
    if (has(actor, 'ADMIN', 'SRE')) return;
    await this.requireManager(actor, teamId, what);
  }

  async requireBudgetSetter(actor: AlertsActor, teamId: string): Promise<void> {
    checkTeamId(teamId);
    if (has(actor, 'ADMIN', 'FINANCE')) {
      await this.requireTeam(teamId);
      return;
    }
    if (!(await this.manages(actor, teamId))) {
      throw new ForbiddenError(
        `budgets of team ${teamId} are set by its OWNER or ADMINs, or platform ADMIN or FINANCE`,
      );
    }
  }

  async requireBudgetReader(actor: AlertsActor, teamId: string): Promise<void> {
    checkTeamId(teamId);
    if (has(actor, 'ADMIN', 'SRE', 'FINANCE')) return;
    if (!(await this.roleIn(actor, teamId))) throw new ForbiddenError(`you are not a member of team ${teamId}`);
  }

  async requireTeam(teamId: string): Promise<void> {
    const rows = await this.postgres.query<unknown[]>('SELECT 1 FROM teams WHERE id = $1', [teamId]);
    if (rows.length === 0) throw new NotFoundError(`team ${teamId} does not exist`);
  }

  /**
   * A team rule's filter may watch only that team: every team id it names is the rule's team,
   * its users are members of it and its keys are the team's. Answers the filter to store (the
   * range dropped, the team fixed). A platform rule's filter is kept as given.
   */
  async ruleFilter(
    teamId: string | null,
    filter: UsageFilterInput | null | undefined,
  ): Promise<Record<string, unknown>> {
    const { range: _range, ...rest } = (filter ?? {}) as Partial<UsageFilterInput>;
    // evaluated without a caller to resolve it for (UsageAccessPolicy), a team's people would change under the rule
    if (rest.memberOfTeamIds?.length) {
      throw new BadUserInputError('filter.memberOfTeamIds: an alert rule watches teamIds and userIds, not membership');
    }
    const stored = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
    if (teamId === null) return stored;
    for (const [field, value] of Object.entries(stored)) {
      if (/teamids$/i.test(field) && Array.isArray(value) && value.some((id) => id !== teamId)) {
        throw new ForbiddenError(`filter.${field}: a rule of team ${teamId} watches that team only`);
      }
    }
    const userIds = rest.userIds ?? [];
    if (userIds.length) {
      const members = await this.memberships.membersOfAny(userIds, [teamId]);
      const outsider = userIds.find((u) => !members.has(u));
      if (outsider) throw new ForbiddenError(`filter.userIds: ${outsider} is not a member of team ${teamId}`);
    }
    const keyIds = rest.apiKeyIds ?? [];
    if (keyIds.length) {
      const keys = await this.memberships.keys(keyIds);
      const foreign = keyIds.find((k) => keys.get(k)?.teamId !== teamId);
      if (foreign) throw new ForbiddenError(`filter.apiKeyIds: ${foreign} is not a key of team ${teamId}`);
    }
    return { ...stored, teamIds: [teamId] };
  }
}
