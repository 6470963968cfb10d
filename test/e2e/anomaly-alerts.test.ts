import type { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, Client } from 'graphql-ws';
import WebSocket from 'ws';
import { AlertRaiser } from '@app/alerts';
import { AnomalyDetectorService } from '@app/anomalies';
import { ClickHouseGateway } from '@app/clickhouse';
import type { AppConfig } from '@app/config';
import { createTestUser, graphql, startStandalone, TestUser } from '../harness/app';
import { freePort } from '../harness/child-app';
import { dropDatabase, isolatedConfig, waitFor } from '../harness/test-env';

const MINUTE = 60_000;
/** the team's calls spread over this many keys, each under the detector's minimum volume (10 calls a minute) */
const KEYS = 3;
const PER_MINUTE = 21;

const EVENTS = `query($t: ID) { alertEvents(teamId: $t, first: 50) { edges { node {
  id state message anomalyId rule { id } anomaly { id metric dimension teamId score observed status } } } } }`;

interface AlertNode {
  id: string;
  state: string;
  message: string;
  anomalyId: string | null;
  rule: { id: string } | null;
  anomaly: { id: string; metric: string; dimension: string; teamId: string; score: number; status: string } | null;
}

/**
 * The detector and the alerts in one running service: an anomaly rule of a team, an error spike
 * the detector (driven by hand) opens an incident for, and the alert event that follows, with its
 * anomaly, on the team's webhook and its `alerts` subscription; then the incident resolving.
 */
describe('anomaly incidents become alert events', () => {
  let config: AppConfig;
  let app: INestApplication;
  let ownerA: TestUser;
  let ownerB: TestUser;
  let sre: TestUser;
  let teamA: string;
  let teamB: string;
  let ruleId: string;
  let server: http.Server;
  let hookUrl: string;
  const received: Array<Record<string, unknown>> = [];
  const pushed: Array<{ state: string; anomaly: { id: string; metric: string } | null }> = [];
  let client: Client;
  const keys = Array.from({ length: KEYS }, () => randomUUID());
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;

  const ok = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await graphql<Record<string, any>>(app, query, variables, token);
    if (res.errors) throw new Error(`${query}: ${JSON.stringify(res.errors)}`);
    return res.data!;
  };
  const eventsOf = async (teamId: string, token: string): Promise<AlertNode[]> =>
    (await ok(EVENTS, { t: teamId }, token)).alertEvents.edges.map((e: { node: AlertNode }) => e.node);

  /** PER_MINUTE calls of team A in each minute of [from, to), round robin over its keys, the given share failing. */
  async function calls(from: number, to: number, errorShare: number): Promise<void> {
    await app.get(ClickHouseGateway).command(
      `INSERT INTO call_events (event_id, occurred_at, team_id, user_id, api_key_id, service, model, model_type, source,
         input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, ttft_ms, status, http_status,
         tags, cost, credits, price_id, priced, kafka_partition, kafka_offset)
       SELECT toString(generateUUIDv4(number)), fromUnixTimestamp64Milli(toInt64({from:Int64} + number * {step:Int64})),
         {team:UUID}, {user:UUID}, toUUID({keys:Array(String)}[number % {keyCount:UInt32} + 1]), 'chat', 'alert-model',
         'text', 'business', 500, 100, 0, 0, 300 + number % 7 * 10, 80 + number % 5,
         if(number % {perMinute:UInt32} < {failing:UInt32}, 'error', 'success'),
         200, [], toDecimal128(0.001, 15), toDecimal128(0.1, 15), 'p', true, 0, number
       FROM numbers({n:UInt64})`,
      {
        params: {
          from,
          step: Math.floor(MINUTE / PER_MINUTE),
          team: teamA,
          user: ownerA.id,
          keys,
          keyCount: KEYS,
          perMinute: PER_MINUTE,
          failing: Math.round(PER_MINUTE * errorShare),
          n: ((to - from) / MINUTE) * PER_MINUTE,
        },
      },
    );
  }

  beforeAll(async () => {
    const port = await freePort();
    hookUrl = `http://127.0.0.1:${port}/hook`;
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    config = isolatedConfig('anomaly_alerts', {
      ANOMALY_DETECTOR_INTERVAL_MS: '0',
      ANOMALY_DETECTOR_LAG_MINUTES: '0',
      WEBHOOK_DISPATCH_INTERVAL_MS: '200',
      WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    });
    app = await startStandalone(config);
    ownerA = await createTestUser(app, 'owner_a');
    ownerB = await createTestUser(app, 'owner_b');
    sre = await createTestUser(app, 'sre', ['SRE']);
    teamA = (await ok('mutation { createTeam(name: "alpha") { id } }', {}, ownerA.token)).createTeam.id;
    teamB = (await ok('mutation { createTeam(name: "beta") { id } }', {}, ownerB.token)).createTeam.id;
    const hook = (
      await ok(
        'mutation($t: ID, $u: String!) { createWebhook(teamId: $t, url: $u) { webhook { id } } }',
        { t: teamA, u: hookUrl },
        ownerA.token,
      )
    ).createWebhook.webhook;
    ruleId = (
      await ok(
        'mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }',
        {
          i: { teamId: teamA, name: 'error spikes', metric: 'ERROR_RATE', anomalyScore: 5, webhookIds: [hook.id] },
        },
        ownerA.token,
      )
    ).createAlertRule.id;

    const { port: apiPort } = app.getHttpServer().address() as AddressInfo;
    client = createClient({
      url: `ws://127.0.0.1:${apiPort}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${ownerA.token}` },
      retryAttempts: 0,
    });
    client.subscribe<{ alerts: (typeof pushed)[number] }>(
      { query: 'subscription($t: ID) { alerts(teamId: $t) { state anomaly { id metric } } }', variables: { t: teamA } },
      { next: (m) => m.data && pushed.push(m.data.alerts), error: () => undefined, complete: () => undefined },
    );

    // an hour of calls with 1 error in 21 a minute, then 5 minutes with half of them failing
    await calls(now - 65 * MINUTE, now - 5 * MINUTE, 0.05);
    await calls(now - 5 * MINUTE, now, 0.5);
  }, 180_000);

  afterAll(async () => {
    await client?.dispose();
    await app?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (config) await dropDatabase(config);
  });

  it('fires the team rule once when the detector opens the incident: event, anomaly, webhook, subscription', async () => {
    const detector = app.get(AnomalyDetectorService);
    expect(await detector.runAt(now - 5 * MINUTE)).toMatchObject({ warmedUp: true });
    expect(await detector.runAt(now)).toMatchObject({ warmedUp: false, judged: 5 });

    const [event] = await waitFor(
      "the incident's alert event",
      () => eventsOf(teamA, ownerA.token),
      (events) => events.length > 0,
      15_000,
    );
    expect(event).toMatchObject({
      state: 'FIRING',
      rule: { id: ruleId },
      anomaly: { metric: 'ERROR_RATE', dimension: 'TEAM', teamId: teamA, status: 'OPEN' },
    });
    expect(event.anomalyId).toBe(event.anomaly!.id);
    expect(event.anomaly!.score).toBeGreaterThanOrEqual(5);
    expect(event.message).toContain(`error spikes: ERROR_RATE spike on TEAM ${teamA}`);

    await waitFor(
      'the webhook delivery',
      async () => received.length,
      (n) => n > 0,
      15_000,
    );
    await waitFor(
      'the subscription push',
      async () => pushed.length,
      (n) => n > 0,
      15_000,
    );
    // the key, model and platform incidents are not the team rule's; a repeated run changes nothing
    await detector.runAt(now);
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await eventsOf(teamA, ownerA.token)).map((e) => e.id)).toEqual([event.id]);
    expect(received).toEqual([
      expect.objectContaining({ id: event.id, state: 'FIRING', ruleId, anomalyId: event.anomaly!.id }),
    ]);
    expect(pushed).toEqual([{ state: 'FIRING', anomaly: { id: event.anomaly!.id, metric: 'ERROR_RATE' } }]);
  }, 120_000);

  it('checks the Anomaly rule on the anomaly an event reaches: who may read the event but not the incident', async () => {
    const [fired] = await eventsOf(teamA, ownerA.token);
    // never raised by the rules (a team's rules fire on its own incidents): an event of team B pointing at
    // team A's incident, to show the anomaly is checked as an Anomaly, not as part of the event
    const raiser = app.get(AlertRaiser);
    await raiser.transaction((store) =>
      raiser.raise(
        store,
        { teamId: teamB, anomalyId: fired.anomalyId, state: 'FIRING', severity: 'WARNING', value: 1, message: 'x' },
        { webhookIds: [] },
      ),
    );
    const res = await graphql<Record<string, any>>(app, EVENTS, { t: teamB }, ownerB.token);
    expect(res.data!.alertEvents.edges.map((e: { node: AlertNode }) => [e.node.anomalyId, e.node.anomaly])).toEqual([
      [fired.anomalyId, null],
    ]);
    expect(res.errors).toEqual([
      expect.objectContaining({
        path: ['alertEvents', 'edges', 0, 'node', 'anomaly'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
      }),
    ]);
    // platform staff read every incident
    const staff = await graphql<Record<string, any>>(app, EVENTS, { t: teamB }, sre.token);
    expect(staff.errors).toBeUndefined();
    expect(staff.data!.alertEvents.edges[0].node.anomaly.id).toBe(fired.anomalyId);
  });

  it('resolves the event once when the incident resolves', async () => {
    await calls(now, now + 6 * MINUTE, 0.05);
    const detector = app.get(AnomalyDetectorService);
    await detector.runAt(now + 6 * MINUTE);
    await detector.runAt(now + 6 * MINUTE);
    const events = await waitFor(
      'the RESOLVED event',
      () => eventsOf(teamA, ownerA.token),
      (list) => list.length === 2,
      15_000,
    );
    expect(events.map((e) => [e.state, e.rule?.id, e.anomaly?.status])).toEqual([
      ['RESOLVED', ruleId, 'RESOLVED'],
      ['FIRING', ruleId, 'RESOLVED'],
    ]);
    expect(events[0].anomalyId).toBe(events[1].anomalyId);
    expect(events[0].message).toContain('resolved: ERROR_RATE spike on TEAM');
    await waitFor(
      'the second webhook delivery',
      async () => received.length,
      (n) => n >= 2,
      15_000,
    );
    await waitFor(
      'the second subscription push',
      async () => pushed.length,
      (n) => n >= 2,
      15_000,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    expect(received.map((b) => [b.id, b.state])).toEqual([
      [events[1].id, 'FIRING'],
      [events[0].id, 'RESOLVED'],
    ]);
    expect(pushed.map((p) => p.state)).toEqual(['FIRING', 'RESOLVED']);
  }, 120_000);
});
