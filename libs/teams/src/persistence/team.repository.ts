import type { Queryable } from './postgres';

export interface TeamRow {
  id: string;
  name: string;
  created_by: string;
  created_at: Date;
}

const COLUMNS = 'id, name, created_by, created_at';

export class TeamRepository {
  constructor(private readonly db: Queryable) {}

  async insert(name: string, createdBy: string): Promise<TeamRow> {
    const [team] = await this.db.query<TeamRow[]>(
      `INSERT INTO teams (name, created_by) VALUES ($1, $2) RETURNING ${COLUMNS}`,
      [name, createdBy],
    );
    return team;
  }

  /** Locks the team row until the transaction ends: commands on one team run one after another. */
  async lock(id: string): Promise<TeamRow | undefined> {
    const [team] = await this.db.query<TeamRow[]>(`SELECT ${COLUMNS} FROM teams WHERE id = $1 FOR UPDATE`, [id]);
    return team;
  }

  byIds(ids: readonly string[]): Promise<TeamRow[]> {
    return this.db.query<TeamRow[]>(`SELECT ${COLUMNS} FROM teams WHERE id = ANY($1::uuid[])`, [ids]);
  }

  all(): Promise<TeamRow[]> {
    return this.db.query<TeamRow[]>(`SELECT ${COLUMNS} FROM teams ORDER BY name`);
  }

  ofMember(userId: string): Promise<TeamRow[]> {
    return this.db.query<TeamRow[]>(
      `SELECT t.id, t.name, t.created_by, t.created_at FROM teams t JOIN memberships m ON m.team_id = t.id
       WHERE m.user_id = $1 ORDER BY t.name`,
      [userId],
    );
  }
}
