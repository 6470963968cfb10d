import { Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdempotentProducer } from '@app/kafka';
import { logger } from '@app/observability';

const BATCH = 500;

/**
 * Publishes outbox rows to Kafka in id order (so per team in sequence order), keyed by team,
 * then marks them published. At least once: a crash between send and mark republishes, and
 * the consumer side is idempotent on (team_id, seq).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly postgres: DataSource,
    private readonly producer: IdempotentProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.publishPending()
        .then((n) => this.schedule(n === BATCH ? 0 : 200))
        .catch((error) => {
          logger.warn('outbox relay failed; retrying', { error: String(error) });
          this.schedule(1000);
        });
    }, ms);
  }

  /** One batch; returns how many rows it published. */
  async publishPending(): Promise<number> {
    return this.postgres.transaction(async (manager) => {
      const rows: Array<{ id: string; topic: string; key: string; payload: unknown }> = await manager.query(
        `SELECT id, topic, key, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP
          LOCKED`,
        [BATCH],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, typeof rows>();
      for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
      for (const [topic, list] of byTopic) {
        await this.producer.send(
          topic,
          list.map((r) => ({ key: r.key, value: JSON.stringify(r.payload) })),
        );
      }
      await manager.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }
}
