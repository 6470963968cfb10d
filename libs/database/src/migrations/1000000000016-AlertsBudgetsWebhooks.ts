import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts (issue 16): rules with their firing state, budgets with the thresholds crossed per
 * period, the alert events, webhooks (signing secrets encrypted at rest) and their deliveries.
 * The deliveries table is the outbox: a delivery row is written in the transaction that writes
 * its alert event, so an event committed is an event delivered, whatever restarts in between.
 * Numbered after the issue so that parallel branches do not take the same number.
 */
export class AlertsBudgetsWebhooks1000000000016 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid REFERENCES teams (id) ON DELETE CASCADE,
        url text NOT NULL,
        secret_ciphertext text NOT NULL,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhooks_by_team ON webhooks (team_id)`);
    await q.query(`
      CREATE TABLE alert_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid REFERENCES teams (id) ON DELETE CASCADE,
        name text NOT NULL,
        filter jsonb NOT NULL,
        metric text NOT NULL,
        above double precision,
        below double precision,
        window_minutes integer,
        anomaly_score double precision,
        severity text NOT NULL,
        webhook_ids uuid[] NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        firing boolean NOT NULL DEFAULT false,
        state_changed_at timestamptz,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((above IS NOT NULL)::int + (below IS NOT NULL)::int + (anomaly_score IS NOT NULL)::int = 1),
        CHECK (anomaly_score IS NOT NULL OR window_minutes BETWEEN 1 AND 1440)
      )`);
    await q.query(`CREATE INDEX alert_rules_by_team ON alert_rules (team_id)`);
    await q.query(`
      CREATE TABLE budgets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
        user_id uuid REFERENCES users (id) ON DELETE CASCADE,
        api_key_id uuid REFERENCES api_keys (id) ON DELETE CASCADE,
        amount numeric(24, 9) NOT NULL CHECK (amount > 0),
        period text NOT NULL CHECK (period IN ('DAY', 'WEEK', 'MONTH')),
        time_zone text NOT NULL,
        thresholds integer[] NOT NULL,
        created_by uuid NOT NULL REFERENCES users (id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (user_id IS NULL OR api_key_id IS NULL)
      )`);
    // one budget per subject (the team, a member or a key) and period: setting it again changes it
    await q.query(`
      CREATE UNIQUE INDEX budgets_subject ON budgets
        (team_id, coalesce(user_id, api_key_id, '00000000-0000-0000-0000-000000000000'::uuid), period)`);
    await q.query(`
      CREATE TABLE alert_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial UNIQUE,
        team_id uuid REFERENCES teams (id) ON DELETE CASCADE,
        rule_id uuid REFERENCES alert_rules (id) ON DELETE SET NULL,
        budget_id uuid REFERENCES budgets (id) ON DELETE SET NULL,
        anomaly_id uuid,
        state text NOT NULL CHECK (state IN ('FIRING', 'RESOLVED')),
        severity text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        value double precision,
        message text NOT NULL
      )`);
    await q.query(`CREATE INDEX alert_events_by_team ON alert_events (team_id, seq)`);
    await q.query(`CREATE INDEX alert_events_by_anomaly ON alert_events (anomaly_id) WHERE anomaly_id IS NOT NULL`);
    // the unique key makes a threshold fire once per period, however many evaluators race
    await q.query(`
      CREATE TABLE budget_crossings (
        budget_id uuid NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,
        period_start timestamptz NOT NULL,
        threshold integer NOT NULL,
        spent numeric(38, 9) NOT NULL,
        alert_event_id uuid NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
        PRIMARY KEY (budget_id, period_start, threshold)
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        alert_event_id uuid NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (webhook_id, alert_event_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING'`,
    );
    await q.query(`
      CREATE TABLE webhook_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        http_status integer,
        latency_ms integer NOT NULL,
        error text
      )`);
    await q.query(`CREATE INDEX webhook_attempts_by_webhook ON webhook_attempts (webhook_id, id)`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('migrations are forward-only'));
  }
}
