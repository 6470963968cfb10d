import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose rows key verification holds in memory (issue 19). */
const WATCHED = ['api_keys', 'plans', 'seats', 'quotas', 'budgets'];

/**
 * Key verification answers from memory (libs/teams/src/verification): every committed change to a
 * key, plan, seat, quota or budget notifies channel `key_state` with what to reload, `team:<id>`,
 * or `key:<id>` for a key outside any team. A trigger, not the callers: writes from any process,
 * the CLI or plain SQL all notify, and only once they commit (Postgres folds a transaction's equal
 * payloads into one). Numbered after the issue so that migrations of other branches keep theirs.
 */
export class KeyStateNotify1000000000020 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_key_state() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changed record;
      BEGIN
        IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
        IF changed.team_id IS NOT NULL THEN
          PERFORM pg_notify('key_state', 'team:' || changed.team_id);
        ELSE
          PERFORM pg_notify('key_state', 'key:' || changed.id);
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of WATCHED) {
      await q.query(
        `CREATE TRIGGER ${table}_notify_key_state AFTER INSERT OR UPDATE OR DELETE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION notify_key_state()`,
      );
    }
  }

  down(): Promise<void> {
    return Promise.reject(new Error('migrations are forward-only'));
  }
}
