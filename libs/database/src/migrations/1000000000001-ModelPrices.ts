import { MigrationInterface, QueryRunner } from 'typeorm';

export class ModelPrices1000000000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE model_prices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model varchar(128) NOT NULL,
        effective_from timestamptz NOT NULL,
        input_per_million numeric(20, 9) NOT NULL CHECK (input_per_million >= 0),
        output_per_million numeric(20, 9) NOT NULL CHECK (output_per_million >= 0),
        cache_read_per_million numeric(20, 9) CHECK (cache_read_per_million >= 0),
        cache_write_per_million numeric(20, 9) CHECK (cache_write_per_million >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (model, effective_from)
      )`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('migrations are forward-only'));
  }
}
