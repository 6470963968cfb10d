import type { Queryable } from './queryable';
import type { AlertEventRow, AlertState } from './rows';

export interface NewAlertEvent {
  teamId: string | null;
  ruleId?: string | null;
  budgetId?: string | null;
  anomalyId?: string | null;
  state: AlertState;
  severity: string;
  value: number | null;
  message: string;
}

const COLUMNS = 'id, seq::text AS seq, team_id, rule_id, budget_id, anomaly_id, state, severity, at, value, message';

export class AlertEventRepository {
  constructor(private readonly db: Queryable) {}

  async insert(e: NewAlertEvent): Promise<AlertEventRow> {
    const [row] = await this.db.query<AlertEventRow[]>(
      `INSERT INTO alert_events (team_id, rule_id, budget_id, anomaly_id, state, severity, value, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [e.teamId, e.ruleId ?? null, e.budgetId ?? null, e.anomalyId ?? null, e.state, e.severity, e.value, e.message],
    );
    return row;
  }

  /** Newest first, a page after the cursor (a sequence number), of a team or the platform (null). */
  page(teamId: string | null, limit: number, beforeSeq?: string): Promise<AlertEventRow[]> {
    return this.db.query<AlertEventRow[]>(
      `SELECT ${COLUMNS} FROM alert_events WHERE team_id IS NOT DISTINCT FROM $1 AND ($2::bigint IS NULL OR seq < $2)
       ORDER BY seq DESC LIMIT $3`,
      [teamId, beforeSeq ?? null, limit],
    );
  }

  async count(teamId: string | null): Promise<number> {
    const [row] = await this.db.query<Array<{ n: string }>>(
      'SELECT count(*) AS n FROM alert_events WHERE team_id IS NOT DISTINCT FROM $1',
      [teamId],
    );
    return Number(row.n);
  }

  /**
   * Events after a sequence number, oldest first: what a live subscriber has not seen yet. Only
   * events stamped a few seconds ago: sequence numbers are taken at insert and committed in any
   * order, and the short transactions that write events have all committed by then.
   */
  after(teamId: string | null, afterSeq: string, limit: number): Promise<AlertEventRow[]> {
    return this.db.query<AlertEventRow[]>(
      `SELECT ${COLUMNS} FROM alert_events WHERE team_id IS NOT DISTINCT FROM $1 AND seq > $2
         AND at < now() - interval '2 seconds'
       ORDER BY seq LIMIT $3`,
      [teamId, afterSeq, limit],
    );
  }

  /** Where `after` starts for a new subscriber: events from about now on. */
  async lastSeq(teamId: string | null): Promise<string> {
    const [row] = await this.db.query<Array<{ seq: string | null }>>(
      `SELECT max(seq)::text AS seq FROM alert_events WHERE team_id IS NOT DISTINCT FROM $1
         AND at < now() - interval '2 seconds'`,
      [teamId],
    );
    return row.seq ?? '0';
  }

  /** The rules an anomaly fired and has not resolved yet: each gets its RESOLVED event. */
  firingRulesOfAnomaly(
    anomalyId: string,
  ): Promise<Array<{ rule_id: string; team_id: string | null; severity: string }>> {
    return this.db.query(
      `SELECT rule_id, team_id, severity FROM alert_events e
       WHERE anomaly_id = $1 AND state = 'FIRING' AND rule_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM alert_events r WHERE r.anomaly_id = $1 AND r.rule_id = e.rule_id
                         AND r.state = 'RESOLVED')`,
      [anomalyId],
    );
  }
}
