import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@app/config';
import {
  CLICKHOUSE_MIGRATIONS_DIR,
  MigrationError,
  readMigrationFiles,
  refuseClusterMigrations,
  splitStatements,
} from './clickhouse-migrator';

describe('readMigrationFiles', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the project migrations in order with unique prefixes', () => {
    const files = readMigrationFiles(CLICKHOUSE_MIGRATIONS_DIR);
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((f) => f.version)).toEqual([...files.map((f) => f.version)].sort((a, b) => a - b));
    expect(new Set(files.map((f) => f.version)).size).toBe(files.length);
  });

  it('refuses two files with one prefix and badly named files', () => {
    fs.writeFileSync(path.join(dir, '0001_a.sql'), 'SELECT 1');
    fs.writeFileSync(path.join(dir, '0001_b.sql'), 'SELECT 2');
    expect(() => readMigrationFiles(dir)).toThrow(MigrationError);
    fs.rmSync(path.join(dir, '0001_b.sql'));
    fs.writeFileSync(path.join(dir, 'create-things.sql'), 'SELECT 3');
    expect(() => readMigrationFiles(dir)).toThrow('named NNNN_snake_case.sql');
  });
});

describe('splitStatements', () => {
  it('ends a statement at a line ending with a semicolon, not inside comments or lines', () => {
    const sql = [
      '-- a comment that ends with one;',
      "CREATE TABLE a (x String DEFAULT ';') ENGINE = Memory;",
      '',
      '-- the second;',
      'CREATE TABLE b',
      '(x UInt8) ENGINE = Memory;',
      '',
    ].join('\n');
    expect(splitStatements(sql)).toEqual([
      "-- a comment that ends with one;\nCREATE TABLE a (x String DEFAULT ';') ENGINE = Memory",
      '-- the second;\nCREATE TABLE b\n(x UInt8) ENGINE = Memory',
    ]);
  });

  it('takes a lone statement without a semicolon, and drops a trailing comment', () => {
    expect(splitStatements('SELECT 1\n')).toEqual(['SELECT 1']);
    expect(splitStatements('SELECT 1;\n-- done\n')).toEqual(['SELECT 1']);
  });
});

describe('refuseClusterMigrations', () => {
  it('leaves one server and the embedded engine to the files, and sends a cluster to its rendering', () => {
    expect(() => refuseClusterMigrations(loadConfig({ CLICKHOUSE_URL: 'http://ch:8123' }).clickhouse)).not.toThrow();
    expect(() => refuseClusterMigrations(loadConfig({}).clickhouse)).not.toThrow();
    const cluster = loadConfig({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: 'usage' }).clickhouse;
    expect(() => refuseClusterMigrations(cluster)).toThrow(/schema:generate -- cluster usage/);
  });

  it('takes a cluster name only as an identifier, and only with a server', () => {
    expect(() => loadConfig({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: 'us age' })).toThrow(
      /CLICKHOUSE_CLUSTER/,
    );
    expect(() => loadConfig({ CLICKHOUSE_CLUSTER: 'usage' })).toThrow(/CLICKHOUSE_CLUSTER: a cluster is reached/);
  });
});
