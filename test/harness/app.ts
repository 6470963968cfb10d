import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { AppConfig } from '@app/config';
import { createHttpApp } from '@app/api/http';
import { StandaloneModule } from '@app/standalone/standalone.module';
import { SERVICE_TOKEN } from './test-env';

/** The standalone app (API + ingest worker) in this process, on an ephemeral port. */
export async function startStandalone(config: AppConfig): Promise<INestApplication> {
  return createHttpApp(StandaloneModule.register(config), config);
}

export async function graphql<T = Record<string, unknown>>(
  app: INestApplication,
  query: string,
  variables: Record<string, unknown> = {},
  token: string = SERVICE_TOKEN,
): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }> {
  const res = await request(app.getHttpServer())
    .post('/graphql')
    .set('Authorization', `Bearer ${token}`)
    .send({ query, variables });
  return res.body;
}
