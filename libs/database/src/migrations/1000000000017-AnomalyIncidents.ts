import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Anomaly incidents found by the detector: one row per incident of one metric of one series
 * (the platform, a team, a model or an API key), open until resolved. At most one open incident
 * per series and metric, by a partial unique index, so two detector runs racing cannot open two.
 * Numbered after the issue (16) so that migrations added on other branches meanwhile keep theirs.
 */
export class AnomalyIncidents1000000000017 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE anomaly_incidents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        metric text NOT NULL,
        dimension text,
        series_key text,
        series_id text NOT NULL,
        team_id uuid,
        owner_id uuid,
        direction text NOT NULL CHECK (direction IN ('SPIKE', 'DROP')),
        status text NOT NULL CHECK (status IN ('OPEN', 'RESOLVED')),
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        expected double precision NOT NULL,
        observed double precision NOT NULL,
        score double precision NOT NULL,
        peak_observed double precision NOT NULL,
        peak_score double precision NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'OPEN') = (ended_at IS NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX anomaly_incidents_one_open ON anomaly_incidents (series_id, metric) WHERE status = 'OPEN'`,
    );
    await q.query(`CREATE INDEX anomaly_incidents_by_team ON anomaly_incidents (team_id, started_at)`);
    await q.query(`CREATE INDEX anomaly_incidents_by_start ON anomaly_incidents (started_at)`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('migrations are forward-only'));
  }
}
