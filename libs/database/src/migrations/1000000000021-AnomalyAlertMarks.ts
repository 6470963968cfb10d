import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When an incident's opening and its resolution were turned into alert events. Each mark is set in
 * the transaction that writes those events, so an incident transition alerts exactly once: after a
 * crash, a failed write or on another replica, the unmarked ones are raised again (AnomalyAlerts).
 * Incidents stored before this migration count as alerted: they were handled in-process then, and
 * rules made since must not fire for them now.
 */
export class AnomalyAlertMarks1000000000021 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE anomaly_incidents ADD COLUMN opening_alerted_at timestamptz,
         ADD COLUMN resolution_alerted_at timestamptz`,
    );
    await q.query(
      `UPDATE anomaly_incidents SET opening_alerted_at = now(),
         resolution_alerted_at = CASE WHEN status = 'RESOLVED' THEN now() END`,
    );
    await q.query(
      `CREATE INDEX anomaly_incidents_to_alert ON anomaly_incidents (started_at)
         WHERE opening_alerted_at IS NULL OR (status = 'RESOLVED' AND resolution_alerted_at IS NULL)`,
    );
  }

  down(): Promise<void> {
    return Promise.reject(new Error('migrations are forward-only'));
  }
}
