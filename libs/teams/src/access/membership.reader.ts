import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeyRepository, MembershipRepository, TeamRole } from '../persistence';

/**
 * Who belongs where and who holds which key, for access decisions: the GraphQL object rules
 * (Viewer) and the usage scope (analytics) read teams' tables only through this.
 */
@Injectable()
export class MembershipReader {
  private readonly memberships: MembershipRepository;
  private readonly apiKeys: ApiKeyRepository;

  constructor(@InjectDataSource() postgres: DataSource) {
    this.memberships = new MembershipRepository(postgres);
    this.apiKeys = new ApiKeyRepository(postgres);
  }

  /** Each team of the user, with their role in it. */
  async rolesOf(userId: string): Promise<Map<string, TeamRole>> {
    const rows = await this.memberships.ofUsers([userId]);
    return new Map(rows.map((r) => [r.team_id, r.role]));
  }

  /** Which of `userIds` are members of at least one of `teamIds`. */
  async membersOfAny(userIds: readonly string[], teamIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0 || teamIds.length === 0) return new Set();
    return new Set(await this.memberships.membersOfAny(userIds, teamIds));
  }

  /** Everyone who is a member of at least one of `teamIds` now. */
  async membersOf(teamIds: readonly string[]): Promise<Set<string>> {
    if (teamIds.length === 0) return new Set();
    return new Set((await this.memberships.ofTeams(teamIds)).map((m) => m.user_id));
  }

  /** The holder and team of each key that exists. */
  async keys(keyIds: readonly string[]): Promise<Map<string, { userId: string; teamId: string | null }>> {
    if (keyIds.length === 0) return new Map();
    const rows = await this.apiKeys.byIds(keyIds);
    return new Map(rows.map((r) => [r.id, { userId: r.user_id, teamId: r.team_id }]));
  }
}
