import { UsageDimension } from './usage-enums';
import { renderMeasureAddition, renderRollupAddition, renderSchema, rollupViewSelect } from './ddl';
import { DIMENSIONS } from './dimensions';
import { ALL_MEASURES, rollupHolds } from './read-measures';
import { sqlRelationViews } from './sql-relations';
import { rawColumns, rollupTable, ROLLUP_TABLES } from './tables';

describe('catalogue', () => {
  it('holds each dimension once, with one column and one filter field each', () => {
    expect(DIMENSIONS.map((d) => d.dimension).sort()).toEqual(Object.values(UsageDimension).sort());
    expect(new Set(DIMENSIONS.map((d) => d.column)).size).toBe(DIMENSIONS.length);
    expect(new Set(DIMENSIONS.map((d) => d.filterField)).size).toBe(DIMENSIONS.length);
  });

  it('places the raw columns: identity dimensions after occurred_at, each measure after the column it names', () => {
    const names = rawColumns().map((c) => c.name);
    const identity = DIMENSIONS.filter((d) => !d.rawDetail).map((d) => d.column);
    expect(names.slice(0, 9)).toEqual(['event_id', 'occurred_at', ...identity]);
    // the details are declared once, with the event's other details
    expect(names.filter((n) => ['http_status', 'error_code', 'tags'].includes(n))).toHaveLength(3);
    expect(names.indexOf('credits')).toBe(names.indexOf('cost') + 1);
    // the line items came later: after the ingest path's columns, in their catalogue order
    expect(names.slice(-5)).toEqual([
      'ingested_at',
      'input_cost',
      'output_cost',
      'cache_read_cost',
      'cache_write_cost',
    ]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('feeds each rollup from raw or from a rollup of the same or finer grain that holds its keys', () => {
    const grainOrder = ['minute', 'hour', 'day'];
    for (const table of ROLLUP_TABLES.filter((t) => t.feed !== 'call_events')) {
      const feed = rollupTable(table.feed as Parameters<typeof rollupTable>[0]);
      expect({ table: table.name, fine: grainOrder.indexOf(feed.grain) <= grainOrder.indexOf(table.grain) }).toEqual({
        table: table.name,
        fine: true,
      });
      for (const d of table.dimensions)
        expect({ table: table.name, d, held: feed.dimensions.includes(d) }).toMatchObject({ held: true });
    }
  });

  it('answers from the requests-only tables nothing but requests', () => {
    const userModels = rollupTable('usage_user_models_1d');
    expect([...ALL_MEASURES].filter((m) => rollupHolds(userModels, m))).toEqual([]);
    expect(rollupHolds(rollupTable('usage_user_1d'), 'callsBySource')).toBe(false);
    expect(rollupHolds(rollupTable('usage_key_1h'), 'activeUsers')).toBe(true);
  });

  it('merges the states of a finer rollup, and counts users where the finer one keeps a user column', () => {
    expect(rollupViewSelect(rollupTable('usage_team_totals_1d'))).toContain('uniqMergeState(users) AS users');
    expect(rollupViewSelect(rollupTable('usage_key_1d'))).toContain(
      'quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency',
    );
    expect(rollupViewSelect(rollupTable('usage_team_1m'))).toContain("countIf(status = 'success') AS successes");
  });

  it('keys rollups by the raw value with nulls as a sentinel, and by the sorted tag set of tagged calls only', () => {
    const errors = rollupViewSelect(rollupTable('usage_errors_1h'));
    expect(errors).toContain('coalesce(http_status, 0) AS http_status');
    expect(errors).toContain("toLowCardinality(coalesce(error_code, '')) AS error_code");
    expect(errors).not.toContain('WHERE');
    // the day rollup merges the hour rollup's keys as they are
    expect(rollupViewSelect(rollupTable('usage_errors_1d'))).not.toContain('coalesce');
    const tags = rollupViewSelect(rollupTable('usage_tags_1h'));
    expect(tags).toContain('arraySort(tags) AS tags');
    expect(tags).toContain('WHERE notEmpty(tags)');
    expect(tags).toContain(
      'quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft',
    );
  });

  it('keeps the time-to-first-token state wherever latency is kept', () => {
    for (const table of ROLLUP_TABLES)
      expect({ table: table.name, ttft: table.measures.includes('ttft') }).toEqual({
        table: table.name,
        ttft: table.measures.includes('latency'),
      });
  });

  it('adds rollups as their tables and views', () => {
    const sql = renderRollupAddition(['usage_errors_1h', 'usage_errors_1d']).map((s) => s.sql);
    expect(sql.map((s) => s.split('\n')[0])).toEqual([
      'CREATE TABLE IF NOT EXISTS usage_errors_1h',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS usage_errors_1h_mv TO usage_errors_1h AS',
      'CREATE TABLE IF NOT EXISTS usage_errors_1d',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS usage_errors_1d_mv TO usage_errors_1d AS',
    ]);
  });

  it('adds a measure where the catalogue keeps it, views and SQL relations dropped and created again', () => {
    const sql = renderMeasureAddition('credits').map((s) => s.sql);
    expect(sql[0]).toBe('ALTER TABLE call_events\n    ADD COLUMN IF NOT EXISTS credits Decimal(38, 15) AFTER cost');
    expect(sql).toContain(
      'ALTER TABLE usage_key_1d\n    ADD COLUMN IF NOT EXISTS credits SimpleAggregateFunction(sum, Decimal(38, 15)) ' +
        'CODEC(NONE) AFTER cost',
    );
    expect(sql).toContain('DROP VIEW IF EXISTS usage_team_1m_mv');
    // every rollup but the three requests-only ones keeps credits
    expect(sql.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW')).length).toBe(ROLLUP_TABLES.length - 3);
    // the SQL relations that show it are created again; a measure they leave out touches none
    expect(sql.filter((s) => s.startsWith('DROP VIEW IF EXISTS calls'))).toHaveLength(1);
    expect(sql.filter((s) => /^CREATE VIEW IF NOT EXISTS usage_\w+ AS/.test(s))).toHaveLength(3);
    expect(renderMeasureAddition('reasoning_tokens').some((s) => s.sql.includes('CREATE VIEW '))).toBe(false);
    expect(renderSchema().length).toBe(5 + 2 * ROLLUP_TABLES.length + sqlRelationViews().length);
  });
});
