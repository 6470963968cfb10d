import { Gauge, Registry } from 'prom-client';
import { logger } from '@app/observability/logger';
import type { ClickHouseGateway } from './clickhouse.gateway';

/**
 * Active parts and rows per table of the service's database, from system.parts: the signal that
 * background merges keep up (chdb-io/chdb#365 reported them stalled). Read in the background
 * (`start`), not per scrape, so scraping /metrics runs no engine query whatever its rate.
 */
export class ClickHouseTableMetrics {
  private readonly parts: Gauge;
  private readonly rows: Gauge;
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  constructor(
    registry: Registry,
    private readonly clickhouse: ClickHouseGateway,
  ) {
    const registers = [registry];
    this.rows = new Gauge({
      name: 'clickhouse_table_rows',
      help: 'Rows in active parts',
      labelNames: ['table'],
      registers,
    });
    this.parts = new Gauge({
      name: 'clickhouse_active_parts',
      help: 'Active data parts per table',
      labelNames: ['table'],
      registers,
    });
  }

  /** A first reading now, then one every `intervalMs` until `stop`. */
  start(intervalMs: number): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a reading in progress (before the gateway closes). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing;
  }

  /** One reading; a failed one keeps the last values (and is logged), a running one is not doubled. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async read(): Promise<void> {
    try {
      const tables = await this.clickhouse.query<{ table: string; parts: string; rows: string }>(
        `SELECT table, count() AS parts, sum(rows) AS rows FROM system.parts
         WHERE active AND database = {db:String} GROUP BY table`,
        { params: { db: this.clickhouse.database } },
      );
      this.parts.reset();
      this.rows.reset();
      for (const t of tables) {
        this.parts.set({ table: t.table }, Number(t.parts));
        this.rows.set({ table: t.table }, Number(t.rows));
      }
    } catch (error) {
      logger.warn('clickhouse table metrics not read', { error: String(error) });
    }
  }
}
