import { adjustedRollups, renderMeasureAddition, renderSchema, ROLLUP_TABLES } from '@app/catalog';
import { ClickHouseGateway } from '@app/clickhouse';
import { isolatedConfig } from '../harness/test-env';

/**
 * No cluster runs here: the engine parses each rendered statement (formatQuery parses without
 * the tables, macros or cluster existing), and the rendering is checked for what a cluster needs.
 */
describe('ClickHouse DDL rendered for one server and for a cluster', () => {
  let ch: ClickHouseGateway;

  beforeAll(async () => {
    ch = await ClickHouseGateway.connect(isolatedConfig('ch_cluster').clickhouse);
  });
  afterAll(async () => {
    await ch.command(`DROP DATABASE IF EXISTS ${ch.database}`);
    await ch.close();
  });

  const parse = async (sql: string) => {
    const [{ formatted }] = await ch.query<{ formatted: string }>('SELECT formatQuery({sql:String}) AS formatted', {
      params: { sql },
    });
    return formatted;
  };

  it.each([
    ['one server', {}],
    ['a cluster', { cluster: 'usage' }],
  ])('the engine parses every statement for %s, the schema and a measure added', async (_mode, target) => {
    const statements = [...renderSchema(target), ...renderMeasureAddition('output_tokens', target)];
    expect(statements.length).toBeGreaterThan(30);
    for (const { sql } of statements)
      expect({ sql, formatted: await parse(sql) }).toEqual({ sql, formatted: expect.any(String) });
  });

  it('makes every table replicated on its shard, read and written through a Distributed table', async () => {
    const statements = renderSchema({ cluster: 'usage' }).map((s) => s.sql);
    expect(statements.every((sql) => sql.includes(' ON CLUSTER usage'))).toBe(true);
    const local = statements.filter((sql) => /^CREATE TABLE IF NOT EXISTS \w+_local /.test(sql));
    const distributed = statements.filter((sql) => sql.includes('ENGINE = Distributed('));
    // raw events, every rollup, and the event-id, membership-event, ingest-chunk and cost-adjustment tables
    expect(local.length).toBe(1 + ROLLUP_TABLES.length + 4);
    for (const sql of local) {
      const name = /^CREATE TABLE IF NOT EXISTS (\w+)_local/.exec(sql)![1];
      expect(sql).toMatch(
        new RegExp(
          'ENGINE = Replicated\\w*MergeTree\\(' +
            `'/clickhouse/tables/\\{shard\\}/\\{database\\}/${name}_local', '\\{replica\\}'\\)`,
        ),
      );
      expect(sql).not.toContain('non_replicated_deduplication_window');
      expect(
        distributed.some((d) => d.startsWith(`CREATE TABLE IF NOT EXISTS ${name} ON CLUSTER usage AS ${name}_local`)),
      ).toBe(true);
    }
    // raw inserts go to the shard of their team, so a team's rows and their rollups live together
    expect(distributed.find((d) => d.startsWith('CREATE TABLE IF NOT EXISTS call_events '))).toContain(
      'Distributed(usage, currentDatabase(), call_events_local, cityHash64(team_id))',
    );
    // views hang on the local tables: each shard aggregates the rows written to it
    const views = statements.filter((sql) => sql.startsWith('CREATE MATERIALIZED VIEW'));
    // one per rollup, the event-id view, and one of cost_adjustments per rollup fed by raw with money sums
    expect(views.length).toBe(ROLLUP_TABLES.length + 1 + adjustedRollups().length);
    for (const sql of views) {
      expect(sql).toMatch(/ TO \w+_local AS\n/);
      expect(sql).toMatch(/\nFROM \w+_local(\n|$)/);
    }
  });

  it('renders the same tables for one server without cluster clauses', () => {
    const statements = renderSchema().map((s) => s.sql);
    expect(statements.some((sql) => /ON CLUSTER|Replicated|Distributed|_local\b/.test(sql))).toBe(false);
  });
});
