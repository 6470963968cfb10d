import type { Queryable, UpdateResult } from './postgres';

export interface PlanRow {
  id: string;
  team_id: string;
  name: string;
  seats: number;
  ends_at: Date;
  created_at: Date;
}

export class PlanRepository {
  constructor(private readonly db: Queryable) {}

  async insert(teamId: string, name: string, seats: number, endsAt: Date): Promise<PlanRow> {
    const [row] = await this.db.query<PlanRow[]>(
      'INSERT INTO plans (team_id, name, seats, ends_at) VALUES ($1, $2, $3, $4) RETURNING *',
      [teamId, name, seats, endsAt],
    );
    return row;
  }

  async renew(id: string, seats: number, endsAt: Date): Promise<PlanRow> {
    const [rows] = await this.db.query<UpdateResult<PlanRow>>(
      'UPDATE plans SET seats = $2, ends_at = $3 WHERE id = $1 RETURNING *',
      [id, seats, endsAt],
    );
    return rows[0];
  }

  async byId(id: string): Promise<PlanRow | undefined> {
    const [row] = await this.db.query<PlanRow[]>('SELECT * FROM plans WHERE id = $1', [id]);
    return row;
  }

  byIds(ids: readonly string[]): Promise<PlanRow[]> {
    return this.db.query<PlanRow[]>('SELECT * FROM plans WHERE id = ANY($1::uuid[])', [ids]);
  }

  ofTeams(teamIds: readonly string[]): Promise<PlanRow[]> {
    return this.db.query<PlanRow[]>('SELECT * FROM plans WHERE team_id = ANY($1::uuid[]) ORDER BY created_at', [
      teamIds,
    ]);
  }
}
