import { DataSource } from 'typeorm';
import type { TeamRole } from '../team-lifecycle.service';

/** Reads of who belongs where, for access decisions. */
export class MembershipReader {
  constructor(private readonly postgres: DataSource) {}

  async rolesOf(userId: string): Promise<Map<string, TeamRole>> {
    const rows: Array<{ team_id: string; role: TeamRole }> = await this.postgres.query(
      'SELECT team_id::text AS team_id, role FROM memberships WHERE user_id = $1',
      [userId],
    );
    return new Map(rows.map((r) => [r.team_id, r.role]));
  }

  /** Which of `userIds` are members of at least one of `teamIds`. */
  async membersOfAny(userIds: readonly string[], teamIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0 || teamIds.length === 0) return new Set();
    const rows: Array<{ user_id: string }> = await this.postgres.query(
      'SELECT DISTINCT user_id::text AS user_id FROM memberships WHERE user_id = ANY($1::uuid[]) AND team_id = ANY($2::uuid[])',
      [userIds, teamIds],
    );
    return new Set(rows.map((r) => r.user_id));
  }

  /** The owner and team of each key that exists. */
  async keys(keyIds: readonly string[]): Promise<Map<string, { userId: string; teamId: string | null }>> {
    const rows: Array<{ id: string; user_id: string; team_id: string | null }> = await this.postgres.query(
      'SELECT id::text AS id, user_id::text AS user_id, team_id::text AS team_id FROM api_keys WHERE id = ANY($1::uuid[])',
      [keyIds],
    );
    return new Map(rows.map((r) => [r.id, { userId: r.user_id, teamId: r.team_id }]));
  }
}
