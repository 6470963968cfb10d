import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { AppConfig } from '@app/config';
import { createHttpApp } from '@app/platform';
import { StandaloneModule } from '@app/standalone/standalone.module';
import { buildCommand, CreateUser, CreateUserCommand } from '@app/teams';

/** The standalone app (API + ingest worker) in this process, on an ephemeral port. */
export async function startStandalone(config: AppConfig): Promise<INestApplication> {
  return createHttpApp(StandaloneModule.register(config), config);
}

export interface TestUser {
  id: string;
  token: string;
}

/** A user made straight in the app's database (the way `cli bootstrap` makes the first ADMIN). */
export async function createTestUser(
  app: INestApplication,
  prefix: string,
  platformRoles: Array<'ADMIN' | 'FINANCE' | 'SRE'> = [],
): Promise<TestUser> {
  const username = `${prefix}_${randomBytes(4).toString('hex')}`;
  const command = buildCommand(CreateUserCommand, { username, email: `${username}@example.com`, platformRoles });
  const { user, accessToken } = await app.get(CreateUser).execute(command);
  return { id: user.id, token: accessToken };
}

const adminTokens = new WeakMap<INestApplication, Promise<string>>();

/** One platform ADMIN per app, for tests that read everything (GraphQL refuses service tokens). */
export function platformAdminToken(app: INestApplication): Promise<string> {
  let token = adminTokens.get(app);
  if (!token) {
    token = createTestUser(app, 'admin', ['ADMIN']).then((u) => u.token);
    adminTokens.set(app, token);
  }
  return token;
}

export async function graphql<T = Record<string, unknown>>(
  app: INestApplication,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }> {
  const res = await request(app.getHttpServer())
    .post('/graphql')
    .set('Authorization', `Bearer ${token ?? (await platformAdminToken(app))}`)
    .send({ query, variables });
  return res.body;
}
