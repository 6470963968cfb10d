import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '@app/config';
import { startStandalone } from '../harness/app';
import { dropDatabase, isolatedConfig } from '../harness/test-env';
import { REPO_ROOT } from '../harness/services';

const SCHEMA_FILE = path.join(REPO_ROOT, 'schemas/graphql/schema.graphql');

/** Frontend teams build on the printed schema: any change to it must be deliberate and committed. */
describe('GraphQL schema', () => {
  let config: AppConfig;
  let app: INestApplication;

  beforeAll(async () => {
    config = isolatedConfig('schema');
    app = await startStandalone(config);
  });
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  it('served by the API equals schemas/graphql/schema.graphql (UPDATE_SCHEMA=1 rewrites it)', () => {
    const printed = printSchema(lexicographicSortSchema(app.get(GraphQLSchemaHost).schema)) + '\n';
    if (process.env.UPDATE_SCHEMA === '1') fs.writeFileSync(SCHEMA_FILE, printed);
    expect(printed).toBe(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  });
});
