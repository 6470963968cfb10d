import { MigrationInterface, QueryRunner } from 'typeorm';

/** Access tokens can expire and be revoked; their last use is kept (to a minute) for their owner to review. */
export class AccessTokenLifetime1000000000003 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE access_tokens
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN revoked_at timestamptz,
        ADD COLUMN last_used_at timestamptz`);
    await q.query(`CREATE INDEX access_tokens_by_user ON access_tokens (user_id, created_at)`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('migrations are forward-only'));
  }
}
