import type { Queryable, UpdateResult } from './queryable';
import type { AlertRuleRow } from './rows';

export interface AlertRuleSetting {
  teamId: string | null;
  name: string;
  filter: Record<string, unknown>;
  metric: string;
  above: number | null;
  below: number | null;
  windowMinutes: number | null;
  anomalyScore: number | null;
  severity: string;
  webhookIds: string[];
}

const COLUMNS = `id, team_id, name, filter, metric, above, below, window_minutes, anomaly_score, severity, webhook_ids,
  enabled, firing, state_changed_at`;

export class AlertRuleRepository {
  constructor(private readonly db: Queryable) {}

  async insert(r: AlertRuleSetting, createdBy: string): Promise<AlertRuleRow> {
    const [row] = await this.db.query<AlertRuleRow[]>(
      `INSERT INTO alert_rules (team_id, name, filter, metric, above, below, window_minutes, anomaly_score, severity,
         webhook_ids, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
      [
        r.teamId,
        r.name,
        r.filter,
        r.metric,
        r.above,
        r.below,
        r.windowMinutes,
        r.anomalyScore,
        r.severity,
        r.webhookIds,
        createdBy,
      ],
    );
    return row;
  }

  /** A changed condition starts from "not firing": the old state described another rule. */
  async update(id: string, r: AlertRuleSetting): Promise<AlertRuleRow | undefined> {
    const [rows] = await this.db.query<UpdateResult<AlertRuleRow>>(
      `UPDATE alert_rules SET name = $2, filter = $3, metric = $4, above = $5, below = $6, window_minutes = $7,
         anomaly_score = $8, severity = $9, webhook_ids = $10, firing = false, state_changed_at = NULL,
         updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, r.name, r.filter, r.metric, r.above, r.below, r.windowMinutes, r.anomalyScore, r.severity, r.webhookIds],
    );
    return rows[0];
  }

  async delete(id: string): Promise<boolean> {
    const [, count] = await this.db.query<UpdateResult<{ id: string }>>('DELETE FROM alert_rules WHERE id = $1', [id]);
    return count > 0;
  }

  async byId(id: string): Promise<AlertRuleRow | undefined> {
    const [row] = await this.db.query<AlertRuleRow[]>(`SELECT ${COLUMNS} FROM alert_rules WHERE id = $1`, [id]);
    return row;
  }

  byIds(ids: readonly string[]): Promise<AlertRuleRow[]> {
    return this.db.query<AlertRuleRow[]>(`SELECT ${COLUMNS} FROM alert_rules WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** A team's rules, or the platform's when teamId is null. */
  ofScope(teamId: string | null): Promise<AlertRuleRow[]> {
    return this.db.query<AlertRuleRow[]>(
      `SELECT ${COLUMNS} FROM alert_rules WHERE team_id IS NOT DISTINCT FROM $1 ORDER BY created_at, id`,
      [teamId],
    );
  }

  enabledThresholdRules(): Promise<AlertRuleRow[]> {
    return this.db.query<AlertRuleRow[]>(
      `SELECT ${COLUMNS} FROM alert_rules WHERE enabled AND anomaly_score IS NULL ORDER BY id`,
    );
  }

  /** Anomaly rules an incident of this team (null: platform-wide) and metric can match: the team's and the platform's. */
  anomalyRulesFor(teamId: string | null, metric: string): Promise<AlertRuleRow[]> {
    return this.db.query<AlertRuleRow[]>(
      `SELECT ${COLUMNS} FROM alert_rules
       WHERE enabled AND anomaly_score IS NOT NULL AND metric = $2 AND (team_id IS NULL OR team_id = $1)`,
      [teamId, metric],
    );
  }

  /**
   * Moves a rule to firing or back, only from the other state: of two evaluators that saw the
   * same crossing, one gets the row and writes the event, the other gets nothing.
   */
  async transition(id: string, firing: boolean): Promise<boolean> {
    const [rows] = await this.db.query<UpdateResult<{ id: string }>>(
      `UPDATE alert_rules SET firing = $2, state_changed_at = now() WHERE id = $1 AND firing = NOT $2 RETURNING id`,
      [id, firing],
    );
    return rows.length > 0;
  }
}
