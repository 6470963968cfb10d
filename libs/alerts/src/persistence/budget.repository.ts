import type { Queryable } from './queryable';
import type { BudgetPeriod, BudgetRow } from './rows';

export interface BudgetSetting {
  teamId: string;
  userId: string | null;
  apiKeyId: string | null;
  amount: string;
  period: BudgetPeriod;
  timeZone: string;
  thresholds: number[];
}

const COLUMNS = 'id, team_id, user_id, api_key_id, amount::text AS amount, period, time_zone, thresholds';

export class BudgetRepository {
  constructor(private readonly db: Queryable) {}

  /** One budget per subject and period: setting it again changes its amount, zone and thresholds. */
  async upsert(b: BudgetSetting, actorId: string): Promise<BudgetRow> {
    const [row] = await this.db.query<BudgetRow[]>(
      `INSERT INTO budgets (team_id, user_id, api_key_id, amount, period, time_zone, thresholds, created_by)
       VALUES ($1, $2, $3, $4::numeric, $5, $6, $7, $8)
       ON CONFLICT (team_id, coalesce(user_id, api_key_id, '00000000-0000-0000-0000-000000000000'::uuid), period)
       DO UPDATE SET amount = EXCLUDED.amount, time_zone = EXCLUDED.time_zone, thresholds = EXCLUDED.thresholds,
         updated_at = now()
       RETURNING ${COLUMNS}`,
      [b.teamId, b.userId, b.apiKeyId, b.amount, b.period, b.timeZone, b.thresholds, actorId],
    );
    return row;
  }

  ofTeam(teamId: string): Promise<BudgetRow[]> {
    return this.db.query<BudgetRow[]>(`SELECT ${COLUMNS} FROM budgets WHERE team_id = $1 ORDER BY period, id`, [
      teamId,
    ]);
  }

  byIds(ids: readonly string[]): Promise<BudgetRow[]> {
    return this.db.query<BudgetRow[]>(`SELECT ${COLUMNS} FROM budgets WHERE id = ANY($1::uuid[])`, [ids]);
  }

  all(): Promise<BudgetRow[]> {
    return this.db.query<BudgetRow[]>(`SELECT ${COLUMNS} FROM budgets ORDER BY id`);
  }

  /** The budgets that apply to a key: on the key, on its holder, and the team's own. */
  applyingToKey(teamId: string, userId: string, apiKeyId: string): Promise<BudgetRow[]> {
    return this.db.query<BudgetRow[]>(
      `SELECT ${COLUMNS} FROM budgets WHERE team_id = $1
         AND (api_key_id = $3 OR user_id = $2 OR (user_id IS NULL AND api_key_id IS NULL))`,
      [teamId, userId, apiKeyId],
    );
  }

  /** Records a threshold crossed in a period; false when it was recorded already (by this or another evaluator). */
  async recordCrossing(
    budgetId: string,
    periodStart: Date,
    threshold: number,
    spent: string,
    alertEventId: string,
  ): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      `INSERT INTO budget_crossings (budget_id, period_start, threshold, spent, alert_event_id)
       VALUES ($1, $2, $3, $4::numeric, $5) ON CONFLICT DO NOTHING RETURNING threshold`,
      [budgetId, periodStart, threshold, spent, alertEventId],
    );
    return rows.length > 0;
  }

  async crossed(budgetId: string, periodStart: Date): Promise<Set<number>> {
    const rows = await this.db.query<Array<{ threshold: number }>>(
      'SELECT threshold FROM budget_crossings WHERE budget_id = $1 AND period_start = $2',
      [budgetId, periodStart],
    );
    return new Set(rows.map((r) => r.threshold));
  }
}
