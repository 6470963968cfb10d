import type { Queryable } from './postgres';

export type TeamRole = 'OWNER' | 'ADMIN' | 'MEMBER';

export interface MembershipRow {
  team_id: string;
  user_id: string;
  role: TeamRole;
  joined_at: Date;
}

const COLUMNS = 'team_id, user_id, role, joined_at';
const BY_RANK = `CASE role WHEN 'OWNER' THEN 0 WHEN 'ADMIN' THEN 1 ELSE 2 END, joined_at`;

export class MembershipRepository {
  constructor(private readonly db: Queryable) {}

  async find(teamId: string, userId: string): Promise<MembershipRow | undefined> {
    const [row] = await this.db.query<MembershipRow[]>(
      `SELECT ${COLUMNS} FROM memberships WHERE team_id = $1 AND user_id = $2`,
      [teamId, userId],
    );
    return row;
  }

  async roleOf(teamId: string, userId: string): Promise<TeamRole | null> {
    return (await this.find(teamId, userId))?.role ?? null;
  }

  async insert(teamId: string, userId: string, role: TeamRole): Promise<MembershipRow> {
    const [row] = await this.db.query<MembershipRow[]>(
      `INSERT INTO memberships (team_id, user_id, role) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [teamId, userId, role],
    );
    return row;
  }

  async setRole(teamId: string, userId: string, role: TeamRole): Promise<void> {
    await this.db.query('UPDATE memberships SET role = $3 WHERE team_id = $1 AND user_id = $2', [teamId, userId, role]);
  }

  async delete(teamId: string, userId: string): Promise<void> {
    await this.db.query('DELETE FROM memberships WHERE team_id = $1 AND user_id = $2', [teamId, userId]);
  }

  /** Members of each team, Owner first, then Admins, then by joining. */
  ofTeams(teamIds: readonly string[]): Promise<MembershipRow[]> {
    return this.db.query<MembershipRow[]>(
      `SELECT ${COLUMNS} FROM memberships WHERE team_id = ANY($1::uuid[]) ORDER BY ${BY_RANK}`,
      [teamIds],
    );
  }

  ownersOf(teamIds: readonly string[]): Promise<MembershipRow[]> {
    return this.db.query<MembershipRow[]>(
      `SELECT ${COLUMNS} FROM memberships WHERE team_id = ANY($1::uuid[]) AND role = 'OWNER'`,
      [teamIds],
    );
  }

  ofUsers(userIds: readonly string[]): Promise<MembershipRow[]> {
    return this.db.query<MembershipRow[]>(
      `SELECT ${COLUMNS} FROM memberships WHERE user_id = ANY($1::uuid[]) ORDER BY joined_at`,
      [userIds],
    );
  }

  /** Which of `userIds` are members of at least one of `teamIds`. */
  async membersOfAny(userIds: readonly string[], teamIds: readonly string[]): Promise<string[]> {
    const rows = await this.db.query<Array<{ user_id: string }>>(
      `SELECT DISTINCT user_id::text AS user_id FROM memberships
       WHERE user_id = ANY($1::uuid[]) AND team_id = ANY($2::uuid[])`,
      [userIds, teamIds],
    );
    return rows.map((r) => r.user_id);
  }
}
