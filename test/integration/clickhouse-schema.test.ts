import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderSchema } from '@app/catalog';
import { ClickHouseGateway, ClickHouseMigrator, readSchema, schemaText } from '@app/clickhouse';
import { SQL_RELATIONS } from '@app/api/sql/sql-relations';
import { REPO_ROOT } from '../harness/services';
import { isolatedConfig } from '../harness/test-env';

const CURRENT_SQL = path.join(REPO_ROOT, 'schemas/clickhouse/current.sql');

/** The type a view's column must have to fill a target column of this type. */
function fedType(targetType: string): string {
  const simple = /^SimpleAggregateFunction\(\w+, (.*)\)$/.exec(targetType);
  return simple ? simple[1] : targetType;
}

describe('ClickHouse schema', () => {
  let migrated: ClickHouseGateway;

  beforeAll(async () => {
    migrated = await ClickHouseGateway.connect(isolatedConfig('ch_schema').clickhouse);
    await new ClickHouseMigrator(migrated).migrate();
  });
  afterAll(async () => {
    await migrated.command(`DROP DATABASE IF EXISTS ${migrated.database}`);
    await migrated.close();
  });

  it('equals schemas/clickhouse/current.sql (npm run schema:current rewrites it)', async () => {
    const text = schemaText(await readSchema(migrated));
    if (process.env.UPDATE_CLICKHOUSE_SCHEMA === '1') fs.writeFileSync(CURRENT_SQL, text);
    expect(text).toBe(fs.readFileSync(CURRENT_SQL, 'utf8'));
  });

  it('equals what the catalogue renders: a catalogue change comes with its migration', async () => {
    const rendered = await ClickHouseGateway.connect(isolatedConfig('ch_rendered').clickhouse);
    try {
      for (const { sql } of renderSchema()) await rendered.command(sql);
      const fromCatalogue = await readSchema(rendered);
      const fromMigrations = await readSchema(migrated);
      // the SQL relations (0200-0204) among them: the names the SQL runner lets people read
      expect(fromCatalogue.map((o) => o.name)).toEqual(expect.arrayContaining([...SQL_RELATIONS]));
      expect(fromCatalogue.map((o) => o.name)).toEqual(fromMigrations.map((o) => o.name));
      for (const [i, object] of fromCatalogue.entries()) expect(object).toEqual(fromMigrations[i]);
    } finally {
      await rendered.command(`DROP DATABASE IF EXISTS ${rendered.database}`);
      await rendered.close();
    }
  });

  it("gives every materialized view's SELECT the names and types of its target table's columns", async () => {
    const views = await migrated.query<{ name: string; as_select: string }>(
      `SELECT name, as_select FROM system.tables
       WHERE database = currentDatabase() AND engine = 'MaterializedView' ORDER BY name`,
    );
    expect(views.length).toBeGreaterThan(10);
    for (const view of views) {
      const [{ statement }] = await migrated.query<{ statement: string }>(`SHOW CREATE TABLE ${view.name}`);
      const target = /\bTO \w+\.(\w+)/.exec(statement)![1];
      const selected = await migrated.query<{ name: string; type: string }>(`DESCRIBE (${view.as_select})`);
      const columns = await migrated.query<{ name: string; type: string }>(`DESCRIBE TABLE ${target}`);
      expect({ view: view.name, columns: selected.map((c) => [c.name, c.type]) }).toEqual({
        view: view.name,
        columns: columns.map((c) => [c.name, fedType(c.type)]),
      });
    }
  });

  it('refuses a database that applied the migrations squashed into the baseline, naming the reset', async () => {
    const old = await ClickHouseGateway.connect(isolatedConfig('ch_pre_squash').clickhouse);
    try {
      await new ClickHouseMigrator(old).migrate();
      await old.command('TRUNCATE TABLE schema_migrations');
      await old.insert('schema_migrations', [{ version: 1, name: '0001_call_events.sql', checksum: 'c' }]);
      await expect(new ClickHouseMigrator(old).migrate()).rejects.toThrow(
        /applied the migrations 0001-0099 .*npm run cli -- clickhouse-reset --yes/,
      );
    } finally {
      await old.command(`DROP DATABASE IF EXISTS ${old.database}`);
      await old.close();
    }
  });
});
