import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, teams and everything around them; team_events is the append-only source of truth. */
export class TeamLifecycle1000000000002 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(32) NOT NULL CHECK (username ~ '^[A-Za-z_][A-Za-z0-9_]*$'),
        email varchar(254) NOT NULL,
        platform_roles text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username ON users (lower(username))`);
    await q.query(`CREATE UNIQUE INDEX users_email ON users (lower(email))`);
    await q.query(`
      CREATE TABLE access_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        name varchar(100) NOT NULL,
        token_hash char(64) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE teams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX teams_name_per_creator ON teams (created_by, lower(name))`);
    await q.query(`
      CREATE TABLE memberships (
        team_id uuid NOT NULL REFERENCES teams(id),
        user_id uuid NOT NULL REFERENCES users(id),
        role text NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER')),
        joined_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (team_id, user_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX memberships_one_owner ON memberships (team_id) WHERE role = 'OWNER'`);
    await q.query(`CREATE INDEX memberships_user ON memberships (user_id)`);
    await q.query(`
      CREATE TABLE invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid NOT NULL REFERENCES teams(id),
        invitee_user_id uuid REFERENCES users(id),
        invitee_email varchar(254),
        role text NOT NULL CHECK (role IN ('ADMIN', 'MEMBER')),
        token_hash char(64) NOT NULL UNIQUE,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'ACCEPTED', 'REVOKED')),
        expires_at timestamptz NOT NULL,
        invited_by uuid NOT NULL REFERENCES users(id),
        accepted_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE plans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid NOT NULL REFERENCES teams(id),
        name varchar(100) NOT NULL,
        seats int NOT NULL CHECK (seats BETWEEN 1 AND 10000),
        ends_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE seats (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id uuid NOT NULL REFERENCES plans(id),
        team_id uuid NOT NULL REFERENCES teams(id),
        position int NOT NULL,
        user_id uuid REFERENCES users(id),
        assigned_at timestamptz,
        UNIQUE (plan_id, position)
      )`);
    await q.query(`CREATE UNIQUE INDEX seats_one_per_member ON seats (team_id, user_id) WHERE user_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid REFERENCES teams(id),
        user_id uuid NOT NULL REFERENCES users(id),
        name varchar(100) NOT NULL,
        prefix varchar(16) NOT NULL,
        last4 char(4) NOT NULL,
        secret_hash char(64) NOT NULL UNIQUE,
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'REVOKED')),
        revoked_reason text,
        expires_at timestamptz,
        test boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX api_keys_member ON api_keys (team_id, user_id)`);
    await q.query(`
      CREATE TABLE quotas (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid NOT NULL REFERENCES teams(id),
        user_id uuid REFERENCES users(id),
        api_key_id uuid REFERENCES api_keys(id),
        unit text NOT NULL CHECK (unit IN ('TOKENS', 'CREDITS')),
        period text NOT NULL CHECK (period IN ('DAY', 'MONTH')),
        "limit" numeric(24, 6) NOT NULL CHECK ("limit" >= 0),
        CHECK ((user_id IS NULL) <> (api_key_id IS NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX quotas_subject ON quotas (team_id, coalesce(user_id, api_key_id), unit, period)`,
    );
    await q.query(`
      CREATE TABLE team_events (
        id bigserial PRIMARY KEY,
        team_id uuid NOT NULL,
        seq int NOT NULL,
        type text NOT NULL,
        actor_id uuid,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (team_id, seq)
      )`);
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        key text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`);
    // append-only: history is never rewritten
    await q.query(`
      CREATE FUNCTION team_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'team_events is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER team_events_no_update BEFORE UPDATE OR DELETE ON team_events
      FOR EACH ROW EXECUTE FUNCTION team_events_append_only()`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('migrations are forward-only'));
  }
}
