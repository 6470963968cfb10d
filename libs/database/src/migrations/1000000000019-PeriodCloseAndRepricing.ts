import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger of issue 17: repricing runs (the audit of `repriceUsage`: who, when, which model and
 * range, the prices used, old and new totals, status) and period closes with each team's totals as
 * of the close. At most one repricing runs at a time (a partial unique index): a run computes its
 * deltas against every other run's, so two at once could count a change twice. A period closes once.
 */
export class PeriodCloseAndRepricing1000000000019 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reprice_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model varchar(128) NOT NULL,
        from_at timestamptz NOT NULL,
        to_at timestamptz NOT NULL,
        as_of timestamptz NOT NULL,
        prices jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('RUNNING', 'DONE')),
        events bigint,
        old_cost numeric(38, 15),
        new_cost numeric(38, 15),
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CHECK (from_at < to_at),
        CHECK ((status = 'DONE') = (finished_at IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX reprice_runs_one_running ON reprice_runs ((true)) WHERE status = 'RUNNING'`);
    await q.query(`CREATE INDEX reprice_runs_by_time ON reprice_runs (created_at)`);
    await q.query(`
      CREATE TABLE period_closes (
        period char(7) PRIMARY KEY CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        time_zone varchar(64) NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        cut_at timestamptz NOT NULL,
        closed_by uuid NOT NULL REFERENCES users (id),
        closed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE period_close_totals (
        period char(7) NOT NULL REFERENCES period_closes (period),
        team_id uuid NOT NULL,
        cost numeric(38, 15) NOT NULL,
        credits numeric(38, 15) NOT NULL,
        requests bigint NOT NULL,
        PRIMARY KEY (period, team_id)
      )`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('migrations are forward-only'));
  }
}
