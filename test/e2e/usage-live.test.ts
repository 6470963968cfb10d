import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createClient, Client } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import type { AppConfig } from '@app/config';
import { LiveUsageHub } from '@app/analytics';
import { platformAdminToken, startStandalone } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

const LIVE = `subscription($f: UsageFilter!) { usageLive(filter: $f) { requests inputTokens } }`;

/** Live mode over graphql-ws: updates as events arrive, one poll per distinct filter. */
describe('usageLive subscription', () => {
  let config: AppConfig;
  let app: INestApplication;
  const clients: Client[] = [];

  beforeAll(async () => {
    config = isolatedConfig('live');
    app = await startStandalone(config);
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await app?.close();
    if (config) await dropDatabase(config);
  });

  function client(token: string): Client {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const c = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(c);
    return c;
  }

  function listen(c: Client, filter: unknown) {
    const updates: Array<{ at: number; requests: number }> = [];
    const errors: unknown[] = [];
    c.subscribe<{ usageLive: { requests: number } }>(
      { query: LIVE, variables: { f: filter } },
      {
        next: (m) =>
          m.data ? updates.push({ at: Date.now(), requests: m.data.usageLive.requests }) : errors.push(m.errors),
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
    return { updates, errors };
  }

  it('pushes the new totals after events arrive, sharing one poll among subscribers of a filter', async () => {
    const team = randomUUID();
    const filter = { range: { preset: 'LAST_1_DAY' }, teamIds: [team] };
    const admin = await platformAdminToken(app);
    const a = listen(client(admin), filter);
    const b = listen(client(admin), filter);
    await waitFor(
      'the initial summaries',
      async () => a.updates.length + b.updates.length,
      (n) => n >= 2,
    );
    expect(a.updates[0].requests).toBe(0);
    expect(app.get(LiveUsageHub).channelCount).toBe(1);
    const other = listen(client(admin), { ...filter, services: ['chat'] });
    await waitFor(
      'a second channel',
      async () => app.get(LiveUsageHub).channelCount,
      (n) => n === 2,
    );

    const sent = Date.now();
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(Array.from({ length: 50 }, () => makeEvent({ team_id: team })))
      .expect(202);
    await waitFor(
      'the live update',
      async () => a.updates.at(-1)!.requests,
      (n) => n === 50,
      20_000,
      50,
    );
    await waitFor(
      'the other subscriber',
      async () => b.updates.at(-1)!.requests,
      (n) => n === 50,
      20_000,
      50,
    );
    process.stdout.write(`usageLive: update ${a.updates.at(-1)!.at - sent} ms after POST /v1/events\n`);
    expect(a.errors).toEqual([]);
    expect(other.errors).toEqual([]);
  });

  it('refuses a connection without a valid token', async () => {
    const denied = listen(client('uat_not_a_token'), { range: { preset: 'LAST_HOUR' } });
    await waitFor(
      'the refusal',
      async () => denied.errors.length,
      (n) => n > 0,
    );
    // graphql-ws closes a connection its onConnect refused with 4403 Forbidden, before any operation
    expect((denied.errors[0] as { code?: number }).code).toBe(4403);
  });
});
