import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A key can be suspended (refused at verification, resumable) besides revoked (for good); who
 * suspended it decides who may resume it. A quota can limit a whole team: neither user nor key,
 * still one per team, unit and period. Numbered after the issue (18), like 17.
 */
export class KeySuspensionAndTeamQuotas1000000000018 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_status_check`);
    await q.query(`
      ALTER TABLE api_keys
        ADD CONSTRAINT api_keys_status_check CHECK (status IN ('ACTIVE', 'SUSPENDED', 'REVOKED')),
        ADD COLUMN suspended_at timestamptz,
        ADD COLUMN suspended_by uuid REFERENCES users(id),
        ADD CONSTRAINT api_keys_suspension CHECK (
          (status = 'SUSPENDED') = (suspended_at IS NOT NULL) AND (suspended_at IS NULL) = (suspended_by IS NULL)
        )`);
    await q.query(`ALTER TABLE quotas DROP CONSTRAINT quotas_check`);
    await q.query(`ALTER TABLE quotas ADD CONSTRAINT quotas_one_subject CHECK (user_id IS NULL OR api_key_id IS NULL)`);
    // a team-wide quota's subject is its team: NULL would make every team-wide quota distinct
    await q.query(`DROP INDEX quotas_subject`);
    await q.query(
      `CREATE UNIQUE INDEX quotas_subject ON quotas (team_id, coalesce(user_id, api_key_id, team_id), unit, period)`,
    );
  }

  down(): Promise<void> {
    return Promise.reject(new Error('migrations are forward-only'));
  }
}
