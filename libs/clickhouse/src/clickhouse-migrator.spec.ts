import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLICKHOUSE_MIGRATIONS_DIR, MigrationError, readMigrationFiles } from './clickhouse-migrator';

describe('readMigrationFiles', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the project migrations in order with unique prefixes', () => {
    const files = readMigrationFiles(CLICKHOUSE_MIGRATIONS_DIR);
    expect(files.length).toBeGreaterThan(3);
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
