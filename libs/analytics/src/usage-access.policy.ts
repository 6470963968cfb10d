import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenError, Principal } from '@app/auth';
import { UsageFilterInput } from './dto/usage-filter.input';

export type UsageView = 'aggregates' | 'callLogs';

/**
 * Who may read which usage, in one place:
 * - the gateway's service token, platform ADMIN and SRE: everything;
 * - FINANCE: aggregates (usage and cost) of every team, not the raw call logs;
 * - team Owners and Admins: their teams' usage and their members';
 * - everyone: their own usage. A filter without team or user ids means "my own usage".
 * Asking for ids outside that scope is FORBIDDEN, never an empty answer.
 */
@Injectable()
export class UsageAccessPolicy {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  async scope(principal: Principal | undefined, filter: UsageFilterInput, view: UsageView): Promise<UsageFilterInput> {
    if (!principal) throw new ForbiddenError('no principal');
    if (principal.kind === 'service') return filter;
    const roles = new Set(principal.platformRoles);
    if (roles.has('ADMIN') || roles.has('SRE')) return filter;
    if (roles.has('FINANCE') && view === 'aggregates') return filter;

    const managed = await this.managedTeams(principal.userId);
    const teamIds = filter.teamIds ?? [];
    const userIds = filter.userIds ?? [];
    const onlySelf = userIds.length > 0 && userIds.every((u) => u === principal.userId);
    if (teamIds.length === 0 && userIds.length === 0) return { ...filter, userIds: [principal.userId] };
    if (teamIds.some((t) => !managed.includes(t))) {
      if (onlySelf) return filter;
      throw new ForbiddenError('teamIds: you can see the usage of teams you own or administer, and your own');
    }
    if (onlySelf) return filter;
    if (managed.length === 0) throw new ForbiddenError('userIds: you can see only your own usage');
    return { ...filter, teamIds: teamIds.length ? teamIds : managed };
  }

  private async managedTeams(userId: string): Promise<string[]> {
    const [present] = await this.postgres.query("SELECT to_regclass('public.memberships') IS NOT NULL AS present");
    if (!present.present) return [];
    const rows: Array<{ team_id: string }> = await this.postgres.query(
      "SELECT team_id::text AS team_id FROM memberships WHERE user_id = $1 AND role IN ('OWNER', 'ADMIN')",
      [userId],
    );
    return rows.map((r) => r.team_id);
  }
}
