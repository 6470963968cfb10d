import type { ClickHouseGateway } from './clickhouse.gateway';

/** The migration runner's own table, not part of the schema it builds. */
const RUNNER_TABLES = ['schema_migrations'];

export interface SchemaObject {
  name: string;
  engine: string;
  /** SHOW CREATE as the engine prints it, without the database name */
  statement: string;
}

/** Every table and view of the connected database as the engine describes it, by name. */
export async function readSchema(clickhouse: ClickHouseGateway): Promise<SchemaObject[]> {
  const objects = await clickhouse.query<{ name: string; engine: string }>(
    'SELECT name, engine FROM system.tables ' +
      'WHERE database = currentDatabase() AND NOT has({runner:Array(String)}, name) ORDER BY name',
    { params: { runner: RUNNER_TABLES } },
  );
  const qualifier = new RegExp(`\\b${clickhouse.database}\\.`, 'g');
  const schema: SchemaObject[] = [];
  for (const { name, engine } of objects) {
    const [{ statement }] = await clickhouse.query<{ statement: string }>(`SHOW CREATE TABLE ${name}`);
    schema.push({ name, engine, statement: statement.replace(qualifier, '') });
  }
  return schema;
}

/** The text of schemas/clickhouse/current.sql: every object's statement, by name. */
export function schemaText(schema: readonly SchemaObject[]): string {
  const header =
    '-- The schema the migrations build, as the engine prints it (SHOW CREATE, database name removed).\n' +
    '-- Generated: `npm run schema:current` rewrites it; a test fails when it differs from the migrations.\n';
  return `${header}\n${schema.map((o) => `${o.statement};\n`).join('\n')}`;
}
