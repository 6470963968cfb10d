import type { Queryable, UpdateResult } from './queryable';
import type { DeliveryRow, WebhookAttemptRow, WebhookRow } from './rows';

const DELIVERY_COLUMNS = `d.id, d.webhook_id, d.alert_event_id, d.body, d.attempts, d.created_at, w.url,
  w.secret_ciphertext`;

export class WebhookRepository {
  constructor(private readonly db: Queryable) {}

  async insert(teamId: string | null, url: string, secretCiphertext: string, createdBy: string): Promise<WebhookRow> {
    const [row] = await this.db.query<WebhookRow[]>(
      `INSERT INTO webhooks (team_id, url, secret_ciphertext, created_by) VALUES ($1, $2, $3, $4)
       RETURNING id, team_id, url, secret_ciphertext`,
      [teamId, url, secretCiphertext, createdBy],
    );
    return row;
  }

  ofScope(teamId: string | null): Promise<WebhookRow[]> {
    return this.db.query<WebhookRow[]>(
      `SELECT id, team_id, url, secret_ciphertext FROM webhooks WHERE team_id IS NOT DISTINCT FROM $1
       ORDER BY created_at, id`,
      [teamId],
    );
  }

  /** Of the given ids, those that belong to this team (or to the platform when teamId is null). */
  async inScope(ids: readonly string[], teamId: string | null): Promise<string[]> {
    const rows = await this.db.query<Array<{ id: string }>>(
      'SELECT id FROM webhooks WHERE id = ANY($1::uuid[]) AND team_id IS NOT DISTINCT FROM $2',
      [ids, teamId],
    );
    return rows.map((r) => r.id);
  }

  /** The outbox: one pending delivery per endpoint, written in the alert event's transaction. */
  async enqueue(alertEventId: string, webhookIds: readonly string[], body: string): Promise<void> {
    if (webhookIds.length === 0) return;
    await this.db.query(
      `INSERT INTO webhook_deliveries (webhook_id, alert_event_id, body)
       SELECT unnest($1::uuid[]), $2, $3 ON CONFLICT DO NOTHING`,
      [webhookIds, alertEventId, body],
    );
  }

  /**
   * Claims due deliveries for one attempt: their next attempt moves a lease ahead, so another
   * dispatcher (or this one after a crash) takes them again only when the lease has run out.
   */
  claimDue(limit: number, leaseMs: number): Promise<DeliveryRow[]> {
    return this.db
      .query<UpdateResult<DeliveryRow>>(
        `WITH due AS (
           SELECT id FROM webhook_deliveries WHERE status = 'PENDING' AND next_attempt_at <= now()
           ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000),
           attempts = d.attempts + 1
         FROM due, webhooks w WHERE d.id = due.id AND w.id = d.webhook_id
         RETURNING ${DELIVERY_COLUMNS}`,
        [limit, leaseMs],
      )
      .then(([rows]) => rows);
  }

  async recordAttempt(
    d: Pick<DeliveryRow, 'id' | 'webhook_id' | 'attempts'>,
    outcome: { httpStatus: number | null; latencyMs: number; error: string | null },
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO webhook_attempts (delivery_id, webhook_id, attempt, http_status, latency_ms, error)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [d.id, d.webhook_id, d.attempts, outcome.httpStatus, outcome.latencyMs, outcome.error],
    );
  }

  async markDelivered(id: string): Promise<void> {
    await this.db.query(`UPDATE webhook_deliveries SET status = 'DELIVERED', delivered_at = now() WHERE id = $1`, [id]);
  }

  async retryAt(id: string, at: Date): Promise<void> {
    await this.db.query('UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE id = $1', [id, at]);
  }

  async markFailed(id: string): Promise<void> {
    await this.db.query(`UPDATE webhook_deliveries SET status = 'FAILED' WHERE id = $1`, [id]);
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.db.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'PENDING'`,
    );
    return Number(row.n);
  }

  /** The delivery log of endpoints, newest attempt first. */
  attemptsOf(webhookIds: readonly string[], limit: number): Promise<WebhookAttemptRow[]> {
    return this.db.query<WebhookAttemptRow[]>(
      `SELECT a.id::text AS id, a.delivery_id, a.webhook_id, w.team_id, d.alert_event_id, a.attempt, a.at,
         a.http_status, a.latency_ms, a.error, d.status
       FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN webhooks w ON w.id = a.webhook_id
       WHERE a.webhook_id = ANY($1::uuid[]) ORDER BY a.id DESC LIMIT $2`,
      [webhookIds, limit],
    );
  }
}
