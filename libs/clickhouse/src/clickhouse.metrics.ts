import { Gauge, Registry } from 'prom-client';
import type { ClickHouseGateway } from './clickhouse.gateway';

/**
 * Active parts and rows per table of the service's database, read from system.parts at each
 * scrape: the signal that background merges keep up (chdb-io/chdb#365 reported them stalled).
 */
export function registerClickHouseTableMetrics(registry: Registry, clickhouse: ClickHouseGateway): void {
  const rows = new Gauge({ name: 'clickhouse_table_rows', help: 'Rows in active parts', labelNames: ['table'], registers: [registry] });
  new Gauge({
    name: 'clickhouse_active_parts',
    help: 'Active data parts per table',
    labelNames: ['table'],
    registers: [registry],
    async collect() {
      const tables = await clickhouse.query<{ table: string; parts: string; rows: string }>(
        `SELECT table, count() AS parts, sum(rows) AS rows FROM system.parts
         WHERE active AND database = {db:String} GROUP BY table`,
        { params: { db: clickhouse.database } },
      );
      this.reset();
      rows.reset();
      for (const t of tables) {
        this.set({ table: t.table }, Number(t.parts));
        rows.set({ table: t.table }, Number(t.rows));
      }
    },
  });
}
