import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createClient, Client } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import type { AppConfig } from '@app/config';
import { MAX_LIVE_PER_CONNECTION } from '@app/analytics';
import { createTestUser, graphql, startStandalone, TestUser } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

const LIVE = `subscription($f: UsageFilter!) { usageLive(filter: $f) { requests } }`;

/** Medium 5: live subscriptions follow the subscriber's access, are capped, and need a token to connect. */
describe('live mode access', () => {
  let config: AppConfig;
  let app: INestApplication;
  let owner: TestUser;
  let admin: TestUser;
  let teamId: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    config = isolatedConfig('live_access');
    app = await startStandalone(config);
    owner = await createTestUser(app, 'owner');
    admin = await createTestUser(app, 'team_admin');
    teamId = (await graphql<any>(app, 'mutation { createTeam(name: "live") { id } }', {}, owner.token)).data.createTeam
      .id;
    const name = (await graphql<any>(app, '{ me { username } }', {}, admin.token)).data.me.username;
    const inv = `mutation($t: ID!, $u: String!) { inviteMember(teamId: $t, usernameOrEmail: $u, role: ADMIN) { token }
      }`;
    const token = (await graphql<any>(app, inv, { t: teamId, u: name }, owner.token)).data.inviteMember.token;
    await graphql(app, 'mutation($k: String!) { acceptInvitation(token: $k) { role } }', { k: token }, admin.token);
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await app?.close();
    if (config) await dropDatabase(config);
  });

  function client(token: string | undefined): Client {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const params = token ? { authorization: `Bearer ${token}` } : {};
    const c = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: params,
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(c);
    return c;
  }

  function listen(c: Client, filter: unknown) {
    const state = { values: [] as number[], errors: [] as unknown[], completed: false };
    c.subscribe<{ usageLive: { requests: number } }>(
      { query: LIVE, variables: { f: filter } },
      {
        next: (m) => (m.data?.usageLive ? state.values.push(m.data.usageLive.requests) : state.errors.push(m.errors)),
        error: (e) => state.errors.push(e),
        complete: () => (state.completed = true),
      },
    );
    return state;
  }

  const send = (n: number) =>
    request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(Array.from({ length: n }, () => makeEvent({ team_id: teamId })))
      .expect(202);

  it("an ADMIN demoted to MEMBER stops getting the team's usage at the next push", async () => {
    const filter = { range: { preset: 'LAST_1_DAY' }, teamIds: [teamId] };
    const live = listen(client(admin.token), filter);
    await waitFor(
      'the first summary',
      async () => live.values.length,
      (n) => n >= 1,
    );
    await send(3);
    await waitFor(
      'the update',
      async () => live.values.at(-1),
      (v) => v === 3,
      20_000,
    );
    const demote = `mutation($t: ID!, $u: ID!) { changeRole(teamId: $t, userId: $u, role: MEMBER) { role } }`;
    expect((await graphql<any>(app, demote, { t: teamId, u: admin.id }, owner.token)).data.changeRole.role).toBe(
      'MEMBER',
    );
    await send(4);
    await waitFor(
      'the end of the subscription',
      async () => live.completed,
      (done) => done,
      20_000,
    );
    expect(live.values).not.toContain(7);
    expect(JSON.stringify(live.errors)).toContain('FORBIDDEN');
  });

  it(`caps subscriptions at ${MAX_LIVE_PER_CONNECTION} per connection`, async () => {
    const c = client(owner.token);
    const subs = Array.from({ length: MAX_LIVE_PER_CONNECTION + 1 }, (_, i) =>
      listen(c, { range: { preset: 'LAST_1_DAY' }, teamIds: [teamId], services: [`s${i}`] }),
    );
    await waitFor(
      'every answer',
      async () => subs.filter((s) => s.values.length > 0 || s.errors.length > 0).length,
      (n) => n === subs.length,
    );
    const refused = subs.filter((s) => JSON.stringify(s.errors).includes('RATE_LIMITED'));
    expect(refused.length).toBe(1);
    expect(subs.filter((s) => s.values.length > 0).length).toBe(MAX_LIVE_PER_CONNECTION);
  });

  it('closes a connection whose connection_init has no token, or a service token', async () => {
    for (const token of [undefined, SERVICE_TOKEN]) {
      const denied = listen(client(token), { range: { preset: 'LAST_HOUR' } });
      await waitFor(
        'the refusal',
        async () => denied.errors.length,
        (n) => n > 0,
      );
      expect((denied.errors[0] as { code?: number }).code).toBe(4403);
      expect(denied.values).toEqual([]);
    }
  });
});
