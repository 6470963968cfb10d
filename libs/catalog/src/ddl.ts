import { DIMENSIONS } from './dimensions';
import { MEASURE_COLUMNS, MEASURE_ORDER, MeasureColumnName, SUMMED_COLUMNS, SummedColumn } from './measures';
import { SqlRelationView, sqlRelationViews, sqlRelationsShowing } from './sql-relations';
import { EVENT_IDS, EVENT_IDS_VIEW, INGEST_CHUNKS, MEMBERSHIP_EVENTS, SupportTable } from './support-tables';
import {
  Column,
  GRAIN_COLUMN,
  RAW_TABLE,
  rawColumns,
  ROLLUP_TABLES,
  RollupTable,
  rollupColumns,
  rollupTable,
  RollupTableName,
  SkipIndex,
} from './tables';

/**
 * Where the DDL goes: one server (the default), or a cluster, where every table is a
 * Replicated*MergeTree named `<name>_local` on each shard, `<name>` is a Distributed table over
 * them (reads and the application's inserts), and views hang on the local tables.
 */
export interface DdlTarget {
  cluster?: string;
}

/** One statement with the reason it exists, written above it as a comment. */
export interface DdlStatement {
  sql: string;
  why?: string;
}

const DEDUP = 'non_replicated_deduplication_window = 10000';

interface TableSpec {
  name: string;
  columns: readonly Column[];
  engine: 'MergeTree' | 'ReplacingMergeTree' | 'AggregatingMergeTree';
  partitionBy?: string;
  orderBy: readonly string[];
  ttl?: string;
  indexGranularity?: number;
  settings: readonly string[];
  skipIndexes?: readonly SkipIndex[];
  /** columns left uncompressed */
  uncompressed?: ReadonlySet<string>;
  shardingKey?: string;
}

/**
 * The whole schema: raw events, the ingest and team tables, each rollup with its view after what
 * feeds it, and the SQL relations over them.
 */
export function renderSchema(target: DdlTarget = {}): DdlStatement[] {
  const statements: DdlStatement[] = [];
  statements.push(...renderTable(rawSpec(), target, rawWhy()));
  statements.push(...renderTable(supportSpec(EVENT_IDS), target, EVENT_IDS.why));
  // views read the inserts into the local table of their shard
  const raw = target.cluster ? `${RAW_TABLE.name}_local` : RAW_TABLE.name;
  statements.push(
    renderView(EVENT_IDS_VIEW.name, EVENT_IDS_VIEW.target, selectSql(EVENT_IDS_VIEW.select, raw), target),
  );
  statements.push(...renderTable(supportSpec(MEMBERSHIP_EVENTS), target, MEMBERSHIP_EVENTS.why));
  statements.push(...renderTable(supportSpec(INGEST_CHUNKS), target, INGEST_CHUNKS.why));
  const created = new Set<string>(['call_events']);
  for (const table of ROLLUP_TABLES) {
    if (!created.has(table.feed))
      throw new Error(`${table.name} is fed by ${table.feed}, which comes after it in the catalogue`);
    statements.push(...renderTable(rollupSpec(table), target, table.why));
    statements.push(renderRollupView(table, target));
    created.add(table.name);
  }
  statements.push(...sqlRelationViews().map((view) => renderSqlRelation(view, target)));
  return statements;
}

/**
 * The statements that add one measure to a schema that lacks it: its raw column (if it has
 * one), its column in every rollup that keeps it (after the column before it in the catalogue,
 * so the result equals a fresh rendering), and each affected view (rollup views, the SQL
 * relations that show it) dropped and created again (views cannot change their query in place;
 * migrations run with ingest stopped).
 */
export function renderMeasureAddition(
  added: MeasureColumnName | readonly MeasureColumnName[],
  target: DdlTarget = {},
): DdlStatement[] {
  const measures: readonly MeasureColumnName[] = typeof added === 'string' ? [added] : added;
  const statements: DdlStatement[] = [];
  const local = (name: string) => (target.cluster ? `${name}_local` : name);
  const onCluster = target.cluster ? ` ON CLUSTER ${target.cluster}` : '';
  for (const measure of measures) {
    const record = MEASURE_COLUMNS[measure];
    if (!('raw' in record && record.raw)) continue;
    const column = rawColumns().find((c) => c.name === record.column)!;
    for (const name of target.cluster ? [local('call_events'), 'call_events'] : ['call_events']) {
      statements.push({
        sql: `ALTER TABLE ${name}${onCluster}\n    ADD COLUMN IF NOT EXISTS ${columnSql(column)} AFTER ${record.raw.after}`,
      });
    }
  }
  // each table's columns in catalogue order, so a column added after another added one follows it
  const keeping = ROLLUP_TABLES.filter((t) => measures.some((m) => t.measures.includes(m)));
  for (const table of keeping) {
    const spec = rollupSpec(table);
    const columns = spec.columns.map((c) => c.name);
    for (const measure of measures.filter((m) => table.measures.includes(m))) {
      const name = MEASURE_COLUMNS[measure].column;
      const column = spec.columns.find((c) => c.name === name)!;
      const after = columns[columns.indexOf(name) - 1];
      const sql = columnSql(column, spec.uncompressed);
      for (const tableName of target.cluster ? [local(table.name), table.name] : [table.name]) {
        statements.push({
          sql: `ALTER TABLE ${tableName}${onCluster}\n    ADD COLUMN IF NOT EXISTS ${sql} AFTER ${after}`,
        });
      }
    }
  }
  for (const table of keeping) {
    statements.push({ sql: `DROP VIEW IF EXISTS ${table.name}_mv${onCluster}` });
    statements.push(renderRollupView(table, target));
  }
  const summed = measures.filter((m): m is SummedColumn => (SUMMED_COLUMNS as readonly string[]).includes(m));
  const relations = sqlRelationViews().filter((view) =>
    summed.some((m) => sqlRelationsShowing(m).some((v) => v.name === view.name)),
  );
  for (const view of relations) {
    statements.push({ sql: `DROP VIEW IF EXISTS ${view.name}${onCluster}` });
    statements.push(renderSqlRelation(view, target));
  }
  return statements;
}

/** The statements that add rollups to a schema that lacks them: each table, then its view (empty until events arrive). */
export function renderRollupAddition(names: readonly RollupTableName[], target: DdlTarget = {}): DdlStatement[] {
  return names.flatMap((name) => {
    const table = rollupTable(name);
    return [...renderTable(rollupSpec(table), target, table.why), renderRollupView(table, target)];
  });
}

/**
 * The statement that adds one skip index of the raw table to a schema that lacks it. Parts
 * written before it get the index when they merge (a merge writes every index of the table);
 * until then a read that could use it reads them whole: slower, not wrong.
 */
export function renderRawIndexAddition(name: string, target: DdlTarget = {}): DdlStatement[] {
  const index = RAW_TABLE.skipIndexes.find((i) => i.name === name);
  if (!index) throw new Error(`${RAW_TABLE.name} has no skip index ${name} in the catalogue`);
  const table = target.cluster ? `${RAW_TABLE.name}_local ON CLUSTER ${target.cluster}` : RAW_TABLE.name;
  return [{ sql: `ALTER TABLE ${table}\n    ADD INDEX IF NOT EXISTS ${indexSql(index)}` }];
}

function indexSql(i: SkipIndex): string {
  return `${i.name} ${i.expression} TYPE ${i.type} GRANULARITY ${i.granularity}`;
}

/** Statements as a migration file: each ends with `;` at the end of its last line (the migrator's splitter). */
export function toMigrationFile(header: string, statements: readonly DdlStatement[]): string {
  const parts = statements.map(({ sql, why }) => `${why ? `${comment(why)}\n` : ''}${sql};\n`);
  return `${comment(header)}\n\n${parts.join('\n')}`;
}

function rawWhy(): string {
  return (
    'Raw call events, one row per accepted event (90 days), sorted by hour first, then team, in granules of ' +
    '2,048 rows. team_id is the nil UUID for the personal space; cost and credits are exact decimals. ' +
    'Bloom filters over key and user let a call log of one key or user skip granules.'
  );
}

function rawSpec(): TableSpec {
  return {
    name: RAW_TABLE.name,
    columns: rawColumns(),
    engine: 'MergeTree',
    partitionBy: RAW_TABLE.partitionBy,
    orderBy: RAW_TABLE.orderBy,
    ttl: RAW_TABLE.ttl,
    indexGranularity: RAW_TABLE.indexGranularity,
    settings: RAW_TABLE.settings,
    skipIndexes: RAW_TABLE.skipIndexes,
    shardingKey: 'cityHash64(team_id)',
  };
}

function supportSpec(table: SupportTable): TableSpec {
  return { ...table };
}

function rollupSpec(table: RollupTable): TableSpec {
  const columns = rollupColumns(table);
  const states = new Set(MEASURE_ORDER.filter((m) => MEASURE_COLUMNS[m].state).map((m) => MEASURE_COLUMNS[m].column));
  return {
    name: table.name,
    columns,
    engine: 'AggregatingMergeTree',
    partitionBy: table.partitionBy,
    orderBy: table.orderBy,
    ttl: table.ttl,
    indexGranularity: table.indexGranularity,
    settings: table.settings ?? [],
    uncompressed: table.uncompressed
      ? new Set(columns.filter((c) => !states.has(c.name)).map((c) => c.name))
      : undefined,
  };
}

function columnSql(column: Column, uncompressed?: ReadonlySet<string>): string {
  const codec = uncompressed?.has(column.name) ? ' CODEC(NONE)' : '';
  return `${column.name} ${column.type}${column.default ? ` DEFAULT ${column.default}` : ''}${codec}`;
}

function renderTable(spec: TableSpec, target: DdlTarget, why: string): DdlStatement[] {
  const cluster = target.cluster;
  const name = cluster ? `${spec.name}_local` : spec.name;
  const onCluster = cluster ? ` ON CLUSTER ${cluster}` : '';
  const body = [
    ...spec.columns.map((c) => columnSql(c, spec.uncompressed)),
    ...(spec.skipIndexes ?? []).map((i) => `INDEX ${indexSql(i)}`),
  ];
  const settings = [
    ...(spec.indexGranularity ? [`index_granularity = ${spec.indexGranularity}`] : []),
    // replicated tables deduplicate inserts by block or token through Keeper, with a window of their own
    ...spec.settings.map((s) => (cluster && s === DEDUP ? 'replicated_deduplication_window = 10000' : s)),
  ];
  const engine = cluster
    ? `Replicated${spec.engine}('/clickhouse/tables/{shard}/{database}/${name}', '{replica}')`
    : spec.engine;
  const sql = [
    `CREATE TABLE IF NOT EXISTS ${name}${onCluster}`,
    '(',
    body.map((line) => `    ${line}`).join(',\n'),
    ')',
    `ENGINE = ${engine}`,
    ...(spec.partitionBy ? [`PARTITION BY ${spec.partitionBy}`] : []),
    `ORDER BY ${spec.orderBy.length === 1 ? spec.orderBy[0] : `(${spec.orderBy.join(', ')})`}`,
    ...(spec.ttl ? [`TTL ${spec.ttl}`] : []),
    ...(settings.length ? [settingsSql(settings)] : []),
  ].join('\n');
  const statements: DdlStatement[] = [{ sql, why }];
  if (cluster) {
    const sharding = spec.shardingKey ? `, ${spec.shardingKey}` : '';
    statements.push({
      sql:
        `CREATE TABLE IF NOT EXISTS ${spec.name}${onCluster} AS ${name}\n` +
        `ENGINE = Distributed(${cluster}, currentDatabase(), ${name}${sharding})`,
    });
  }
  return statements;
}

function settingsSql(settings: readonly string[]): string {
  const line = `SETTINGS ${settings.join(', ')}`;
  return line.length <= 110 ? line : `SETTINGS\n    ${settings.join(',\n    ')}`;
}

function renderView(name: string, target: string, select: string, ddl: DdlTarget): DdlStatement {
  const onCluster = ddl.cluster ? ` ON CLUSTER ${ddl.cluster}` : '';
  const to = ddl.cluster ? `${target}_local` : target;
  return { sql: `CREATE MATERIALIZED VIEW IF NOT EXISTS ${name}${onCluster} TO ${to} AS\n${select}` };
}

function selectSql(columns: readonly string[], from: string, groupBy?: readonly string[], where?: string): string {
  const lines = [`SELECT\n${columns.map((c) => `    ${c}`).join(',\n')}`, `FROM ${from}`];
  if (where) lines.push(`WHERE ${where}`);
  if (groupBy?.length) lines.push(`GROUP BY ${groupBy.join(', ')}`);
  return lines.join('\n');
}

/** A rollup's view: from raw events (aggregates of event rows) or a finer rollup's inserts (merges of its rows). */
export function rollupViewSelect(table: RollupTable, target: DdlTarget = {}): string {
  const time = GRAIN_COLUMN[table.grain].column;
  const fromRaw = table.feed === 'call_events';
  const feed = fromRaw ? undefined : rollupTable(table.feed);
  const feedTime = fromRaw ? 'occurred_at' : GRAIN_COLUMN[feed!.grain].column;
  const timeSql = timeExpression(table.grain, feedTime, fromRaw);
  const kept = DIMENSIONS.filter((d) => table.dimensions.includes(d.dimension));
  const dimensions = kept.map((d) => d.column);
  const keys = kept.map((d) => (fromRaw && d.fromRaw ? `${d.fromRaw} AS ${d.column}` : d.column));
  const measures = MEASURE_ORDER.filter((m) => table.measures.includes(m)).map((m) => {
    const record = MEASURE_COLUMNS[m];
    // a finer rollup keyed by user keeps no users state: its user column is counted instead
    const expression =
      fromRaw || (m === 'users' && !feed!.measures.includes('users')) ? record.fromRaw : record.fromRollup;
    return `${expression} AS ${record.column}`;
  });
  const from = target.cluster ? `${table.feed}_local` : table.feed;
  return selectSql([timeSql, ...keys, ...measures], from, [time, ...dimensions], table.holdsOnly?.where);
}

function timeExpression(grain: RollupTable['grain'], feedTime: string, fromRaw: boolean): string {
  const column = GRAIN_COLUMN[grain].column;
  if (!fromRaw && feedTime === column) return column;
  if (grain === 'day') return `toDate(${feedTime}, 'UTC') AS day`;
  return `${grain === 'hour' ? 'toStartOfHour' : 'toStartOfMinute'}(${feedTime}) AS ${column}`;
}

/**
 * A SQL relation: a plain view, computed at read time over the Distributed tables in a cluster
 * (every shard's rows, as the service's own reads).
 */
function renderSqlRelation(view: SqlRelationView, target: DdlTarget): DdlStatement {
  const onCluster = target.cluster ? ` ON CLUSTER ${target.cluster}` : '';
  return {
    sql: `CREATE VIEW IF NOT EXISTS ${view.name}${onCluster} AS\n${selectSql(view.columns, view.from, view.groupBy)}`,
    why: view.why,
  };
}

function renderRollupView(table: RollupTable, target: DdlTarget): DdlStatement {
  return renderView(`${table.name}_mv`, table.name, rollupViewSelect(table, target), target);
}

function comment(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '--';
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width && line !== '--') {
      lines.push(line);
      line = '--';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}
