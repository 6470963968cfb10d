import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A model's price from `effectiveFrom` until the next version. Decimal strings, never floats. */
@Entity('model_prices')
@Unique(['model', 'effectiveFrom'])
export class ModelPrice {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 128 }) model: string;
  @Column({ name: 'effective_from', type: 'timestamptz' }) effectiveFrom: Date;
  @Column({ name: 'input_per_million', type: 'numeric', precision: 20, scale: 9 }) inputPerMillion: string;
  @Column({ name: 'output_per_million', type: 'numeric', precision: 20, scale: 9 }) outputPerMillion: string;
  @Column({ name: 'cache_read_per_million', type: 'numeric', precision: 20, scale: 9, nullable: true })
  cacheReadPerMillion: string | null;
  @Column({ name: 'cache_write_per_million', type: 'numeric', precision: 20, scale: 9, nullable: true })
  cacheWritePerMillion: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
