/**
 * Writes a ClickHouse migration generated from the catalogue (libs/catalog/src):
 *   npm run schema:generate -- baseline               the whole schema (an empty migrations directory only)
 *   npm run schema:generate -- add-measure <measure>  a measure added to raw, its rollups and their views
 *   npm run schema:generate -- add-measures <slug> <measure>...  several measures in one migration
 *   npm run schema:generate -- add-raw-index <name>   a skip index of the raw table added
 *   npm run schema:generate -- add-rollups <slug> <rollup>...  new rollups and their views, in catalogue order
 *   npm run schema:generate -- cluster <name>         prints the whole schema for a cluster (deploy/README.md)
 * The file is written once and then never edited: applied migrations are immutable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  MEASURE_COLUMNS,
  MeasureColumnName,
  RAW_TABLE,
  renderMeasureAddition,
  renderRawIndexAddition,
  renderRollupAddition,
  renderSchema,
  ROLLUP_TABLES,
  RollupTableName,
  toMigrationFile,
} from '../libs/catalog/src';
import { CLICKHOUSE_MIGRATIONS_DIR, readMigrationFiles } from '../libs/clickhouse/src/clickhouse-migrator';

/** 0200 and on: the hand-written SQL relations (views for ad hoc SQL); catalogue migrations number below them. */
const SQL_RELATIONS_FROM = 200;

function nextFile(slug: string): string {
  const versions = readMigrationFiles(CLICKHOUSE_MIGRATIONS_DIR)
    .map((f) => f.version)
    .filter((v) => v < SQL_RELATIONS_FROM);
  const next = Math.max(0, ...versions) + 1;
  return path.join(CLICKHOUSE_MIGRATIONS_DIR, `${String(next).padStart(4, '0')}_${slug}.sql`);
}

function write(file: string, text: string): void {
  fs.writeFileSync(file, text);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

function main(): void {
  const [command, argument, ...rest] = process.argv.slice(2);
  if (command === 'baseline') {
    if (readMigrationFiles(CLICKHOUSE_MIGRATIONS_DIR).length)
      throw new Error('a baseline is written into an empty directory only');
    const header =
      'Baseline: the whole schema, generated from libs/catalog/src ' +
      '(scripts/generate-clickhouse-migration.ts). ' +
      'It replaces migrations 0001-0099, squashed on 2026-12-01; see README.md in this directory.';
    write(nextFile('baseline'), toMigrationFile(header, renderSchema()));
  } else if (command === 'add-measure' && argument && argument in MEASURE_COLUMNS) {
    const header =
      `Adds the measure ${argument} to the raw events, the rollups that keep it and their views (rows ` +
      `written before hold 0 or an empty state). Generated: npm run schema:generate -- add-measure ${argument}`;
    write(nextFile(`add_${argument}`), toMigrationFile(header, renderMeasureAddition(argument as MeasureColumnName)));
  } else if (command === 'add-measures' && argument && rest.length && rest.every((m) => m in MEASURE_COLUMNS)) {
    // several measures in one migration: each view is dropped and created once, not once per measure
    const header =
      `Adds the measures ${rest.join(', ')} to the raw events, the rollups that keep them and their views (rows ` +
      `written before hold 0 or an empty state). Generated: npm run schema:generate -- add-measures ${argument} ` +
      rest.join(' ');
    write(nextFile(argument), toMigrationFile(header, renderMeasureAddition(rest as MeasureColumnName[])));
  } else if (command === 'add-raw-index' && RAW_TABLE.skipIndexes.some((i) => i.name === argument)) {
    const header =
      `Adds the skip index ${argument} to the raw events. Parts written before get it as they merge (a merge ` +
      'writes every index; no MATERIALIZE INDEX rewriting 90 days of events at start); until then a read ' +
      `that could skip with it reads them whole. Generated: npm run schema:generate -- add-raw-index ${argument}`;
    write(nextFile(`add_${argument}`), toMigrationFile(header, renderRawIndexAddition(argument)));
  } else if (command === 'add-rollups' && argument && rest.length) {
    const known = new Set<string>(ROLLUP_TABLES.map((t) => t.name));
    const unknown = rest.filter((name) => !known.has(name));
    if (unknown.length) throw new Error(`not rollups of the catalogue: ${unknown.join(', ')}`);
    const header =
      `Adds the rollups ${rest.join(', ')} and their views (empty until events arrive: ranges before this ` +
      `migration read nothing from them). Generated: npm run schema:generate -- add-rollups ${argument} ${rest.join(' ')}`;
    write(nextFile(argument), toMigrationFile(header, renderRollupAddition(rest as RollupTableName[])));
  } else if (command === 'cluster' && argument) {
    process.stdout.write(toMigrationFile(`The schema for cluster ${argument}.`, renderSchema({ cluster: argument })));
  } else {
    throw new Error(
      'usage: baseline | add-measure <measure in the catalogue> | add-measures <slug> <measure>... | add-raw-index <raw skip index> |' +
        ' add-rollups <slug> <rollup>... | cluster <name>',
    );
  }
}

main();
