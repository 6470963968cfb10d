import type { Queryable, UpdateResult } from './postgres';

export interface SeatRow {
  id: string;
  plan_id: string;
  team_id: string;
  position: number;
  user_id: string | null;
  assigned_at: Date | null;
}

/** One plan of a team and the given user's seat in it, if they hold one. */
export interface PlanSeatRow {
  user_id: string | null;
  ends_at: Date;
}

export class SeatRepository {
  constructor(private readonly db: Queryable) {}

  /** Seats 1..count of a new plan, all unassigned. */
  async createFor(planId: string, teamId: string, count: number): Promise<void> {
    await this.db.query(
      'INSERT INTO seats (plan_id, team_id, position) SELECT $1, $2, n FROM generate_series(1, $3) AS n',
      [planId, teamId, count],
    );
  }

  /** Adds seats after the last position, or removes unassigned ones from the end, until the plan has `count`. */
  async resize(planId: string, teamId: string, count: number): Promise<void> {
    await this.db.query(
      `INSERT INTO seats (plan_id, team_id, position)
       SELECT $1, $2, s.last + n FROM (SELECT coalesce(max(position), 0) AS last, count(*)::int AS seats
         FROM seats WHERE plan_id = $1) s, generate_series(1, $3 - s.seats) AS n`,
      [planId, teamId, count],
    );
    await this.db.query(
      `DELETE FROM seats WHERE id IN (SELECT id FROM seats WHERE plan_id = $1 AND user_id IS NULL
         ORDER BY position DESC LIMIT greatest((SELECT count(*) FROM seats WHERE plan_id = $1) - $2, 0))`,
      [planId, count],
    );
  }

  async heldCount(planId: string): Promise<number> {
    const [{ held }] = await this.db.query<Array<{ held: number }>>(
      'SELECT count(user_id)::int AS held FROM seats WHERE plan_id = $1',
      [planId],
    );
    return held;
  }

  async byId(id: string): Promise<SeatRow | undefined> {
    const [row] = await this.db.query<SeatRow[]>('SELECT * FROM seats WHERE id = $1', [id]);
    return row;
  }

  async heldBy(teamId: string, userId: string): Promise<SeatRow | undefined> {
    const [row] = await this.db.query<SeatRow[]>('SELECT * FROM seats WHERE team_id = $1 AND user_id = $2', [
      teamId,
      userId,
    ]);
    return row;
  }

  /** Gives the plan's first free seat to the user; undefined when every seat is taken. */
  async assignFirstFree(planId: string, userId: string): Promise<SeatRow | undefined> {
    const [rows] = await this.db.query<UpdateResult<SeatRow>>(
      `UPDATE seats SET user_id = $2, assigned_at = now()
       WHERE id = (SELECT id FROM seats WHERE plan_id = $1 AND user_id IS NULL ORDER BY position LIMIT 1) RETURNING *`,
      [planId, userId],
    );
    return rows[0];
  }

  async unassign(id: string): Promise<SeatRow> {
    const [rows] = await this.db.query<UpdateResult<SeatRow>>(
      'UPDATE seats SET user_id = NULL, assigned_at = NULL WHERE id = $1 RETURNING *',
      [id],
    );
    return rows[0];
  }

  async unassignHolder(teamId: string, userId: string): Promise<void> {
    await this.db.query('UPDATE seats SET user_id = NULL, assigned_at = NULL WHERE team_id = $1 AND user_id = $2', [
      teamId,
      userId,
    ]);
  }

  /** Every plan of the team, each with the user's seat in it (user_id null where they hold none). */
  seatsOfUserByPlan(teamId: string, userId: string): Promise<PlanSeatRow[]> {
    return this.db.query<PlanSeatRow[]>(
      `SELECT s.user_id, p.ends_at FROM plans p LEFT JOIN seats s ON s.plan_id = p.id AND s.user_id = $2
       WHERE p.team_id = $1`,
      [teamId, userId],
    );
  }

  ofPlans(planIds: readonly string[]): Promise<SeatRow[]> {
    return this.db.query<SeatRow[]>('SELECT * FROM seats WHERE plan_id = ANY($1::uuid[]) ORDER BY position', [planIds]);
  }
}
