import type { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, Client } from 'graphql-ws';
import request from 'supertest';
import { DataSource } from 'typeorm';
import WebSocket from 'ws';
import {
  AlertRaiser,
  alertsStore,
  AnomalyAlerts,
  AlertScheduler,
  BudgetEvaluator,
  BudgetSpend,
  DELIVERY_ID_HEADER,
  RuleEvaluator,
  SIGNATURE_HEADER,
  verifySignature,
} from '@app/alerts';
import { UsageQueries } from '@app/analytics';
import { AnomalyIncidents, AnomalyStore } from '@app/anomalies';
import type { AppConfig } from '@app/config';
import { PriceBook } from '@app/pricing';
import { KeyBudgets, KeyStateChanges, UsageTally } from '@app/teams';
import { graphql, platformAdminToken, startStandalone } from '../harness/app';
import { freePort } from '../harness/child-app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';
import { buildTwoTeams, TwoTeams } from '../security/two-teams';

type Gql = Awaited<ReturnType<typeof graphql<Record<string, any>>>>;

const RULE = `mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id name teamId metric enabled firing } }`;
const UPDATE = `mutation($id: ID!, $i: AlertRuleInput!) { updateAlertRule(id: $id, input: $i) { id name } }`;
const DELETE = `mutation($id: ID!) { deleteAlertRule(id: $id) }`;
const RULES = `query($t: ID) { alertRules(teamId: $t) { id name } }`;
const EVENTS = `query($t: ID, $after: String) { alertEvents(teamId: $t, first: 50, after: $after) {
  totalCount edges { cursor node { id state message value rule { id name } budget { id spent } } }
  pageInfo { hasNextPage endCursor } } }`;
const BUDGET = `mutation($t: ID!, $u: ID, $k: ID, $a: String!, $p: BudgetPeriod!, $z: String, $th: [Int!]) {
  setBudget(teamId: $t, userId: $u, apiKeyId: $k, amount: $a, period: $p, timeZone: $z, thresholds: $th) {
    id amount spent remaining thresholds period timeZone } }`;
const BUDGETS = `query($t: ID!) { budgets(teamId: $t) { id userId apiKeyId amount spent remaining exceeded } }`;
const WEBHOOK = `mutation($t: ID, $u: String!) { createWebhook(teamId: $t, url: $u) { secret webhook { id url teamId } } }`;
const ATTEMPTS = `query($t: ID) { webhookAttempts(teamId: $t, first: 500) { deliveryId attempt httpStatus error
  deliveryStatus } }`;

const code = (res: Gql) => res.errors?.[0]?.extensions?.code;

/** A webhook endpoint on loopback that records what it gets, or refuses connections while down. */
class Receiver {
  readonly received: Array<{ deliveryId: string; signature: string; body: string }> = [];
  private server?: http.Server;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  up(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          deliveryId: String(req.headers[DELIVERY_ID_HEADER]),
          signature: String(req.headers[SIGNATURE_HEADER]),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(204).end();
      });
    });
    return new Promise((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  down(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** One entry per delivery id: what the receiver keeps after dropping repeats. */
  unique() {
    return [...new Map(this.received.map((r) => [r.deliveryId, r])).values()];
  }
}

describe('alerts, budgets and webhooks on the real services', () => {
  let config: AppConfig;
  let app: INestApplication;
  let w: TwoTeams;
  let admin: string;
  let receiver: Receiver;
  const clients: Client[] = [];

  const gql = (query: string, variables: Record<string, unknown>, token: string) =>
    graphql<Record<string, any>>(app, query, variables, token);
  async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
    const res = await gql(query, variables, token);
    if (res.errors) throw new Error(`${query}: ${JSON.stringify(res.errors)}`);
    return res.data!;
  }
  const rule = (teamId: string | null, extra: Record<string, unknown> = {}) => ({
    teamId,
    name: `rule ${randomBytes(3).toString('hex')}`,
    metric: 'REQUESTS',
    above: 1000,
    windowMinutes: 5,
    ...extra,
  });
  /** An anomaly rule of the team (null: the platform's) on the detector's `metric`, created as `token`. */
  const anomalyRule = async (teamId: string | null, anomalyScore: number, metric: string, token: string) =>
    (await ok(RULE, { i: rule(teamId, { above: null, windowMinutes: null, anomalyScore, metric }) }, token))
      .createAlertRule;

  beforeAll(async () => {
    receiver = new Receiver(await freePort());
    // the evaluators are run by hand (isolatedEnv turns the loop off); the dispatcher runs on its own
    config = isolatedConfig('alerts', {
      WEBHOOK_DISPATCH_INTERVAL_MS: '200',
      WEBHOOK_BACKOFF_BASE_MS: '100',
      WEBHOOK_BACKOFF_MAX_MS: '800',
      WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    });
    app = await startStandalone(config);
    w = await buildTwoTeams(app);
    admin = await platformAdminToken(app);
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await receiver?.down();
    await app?.close();
    if (config) await dropDatabase(config);
  });

  it("rules: a team's OWNER and ADMINs manage its rules, platform ADMIN and SRE the platform's, others FORBIDDEN", async () => {
    const created = (await ok(RULE, { i: rule(w.a.id) }, w.ownerA.token)).createAlertRule;
    expect(created).toMatchObject({ teamId: w.a.id, metric: 'REQUESTS', enabled: true, firing: false });
    // shared is ADMIN of B, MEMBER of A
    expect((await ok(RULE, { i: rule(w.b.id) }, w.shared.token)).createAlertRule.teamId).toBe(w.b.id);
    for (const who of [w.memberA, w.shared, w.ownerB, w.outsider, w.finance, w.sre]) {
      expect(code(await gql(RULE, { i: rule(w.a.id) }, who.token))).toBe('FORBIDDEN');
    }
    expect(code(await gql(RULE, { i: rule(w.a.id) }, admin))).toBe('FORBIDDEN');
    const platform = (await ok(RULE, { i: rule(null) }, w.sre.token)).createAlertRule;
    expect(platform.teamId).toBeNull();
    expect((await ok(RULE, { i: rule(null) }, admin)).createAlertRule.teamId).toBeNull();
    for (const who of [w.ownerA, w.finance, w.outsider]) {
      expect(code(await gql(RULE, { i: rule(null) }, who.token))).toBe('FORBIDDEN');
    }

    // reading: the team's managers and platform ADMIN/SRE
    const listed = (await ok(RULES, { t: w.a.id }, w.ownerA.token)).alertRules.map((r: { id: string }) => r.id);
    expect(listed).toEqual([created.id]);
    expect((await ok(RULES, { t: w.a.id }, w.sre.token)).alertRules).toHaveLength(1);
    expect(code(await gql(RULES, { t: w.a.id }, w.memberA.token))).toBe('FORBIDDEN');
    expect(code(await gql(RULES, { t: null }, w.ownerA.token))).toBe('FORBIDDEN');
    expect((await ok(RULES, { t: null }, w.sre.token)).alertRules.map((r: { id: string }) => r.id)).toContain(
      platform.id,
    );

    // changing and deleting: the same people
    const renamed = { ...rule(w.a.id), name: 'renamed' };
    expect(code(await gql(UPDATE, { id: created.id, i: renamed }, w.ownerB.token))).toBe('FORBIDDEN');
    expect(code(await gql(UPDATE, { id: created.id, i: { ...renamed, teamId: w.b.id } }, w.ownerA.token))).toBe(
      'BAD_USER_INPUT',
    );
    expect((await ok(UPDATE, { id: created.id, i: renamed }, w.ownerA.token)).updateAlertRule.name).toBe('renamed');
    expect(code(await gql(DELETE, { id: created.id }, w.memberA.token))).toBe('FORBIDDEN');
    expect(code(await gql(DELETE, { id: platform.id }, w.ownerA.token))).toBe('FORBIDDEN');
    expect((await ok(DELETE, { id: created.id }, w.ownerA.token)).deleteAlertRule).toBe(true);
    expect(code(await gql(DELETE, { id: created.id }, w.ownerA.token))).toBe('NOT_FOUND');
    expect((await ok(RULES, { t: w.a.id }, w.ownerA.token)).alertRules).toEqual([]);
  });

  it("refuses a rule filter that reaches another team, another team's endpoint, and bad conditions", async () => {
    const range = { preset: 'LAST_HOUR' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ filter: { range, teamIds: [w.b.id] } }, 'FORBIDDEN'],
      [{ filter: { range, teamIds: [w.a.id, w.b.id] } }, 'FORBIDDEN'],
      [{ filter: { range, userIds: [w.memberB.id] } }, 'FORBIDDEN'],
      [{ filter: { range, apiKeyIds: [w.b.keyIds[0]] } }, 'FORBIDDEN'],
      [{ below: 1 }, 'BAD_USER_INPUT'],
      [{ above: null }, 'BAD_USER_INPUT'],
      [{ windowMinutes: 0 }, 'BAD_USER_INPUT'],
      [{ windowMinutes: 1441 }, 'BAD_USER_INPUT'],
      [{ severity: 'APOCALYPTIC' }, 'BAD_USER_INPUT'],
      [{ above: null, anomalyScore: 4, windowMinutes: 5 }, 'BAD_USER_INPUT'],
    ];
    for (const [extra, expected] of cases) {
      expect([extra, code(await gql(RULE, { i: rule(w.a.id, extra) }, w.ownerA.token))]).toEqual([extra, expected]);
    }
    const hookB = (await ok(WEBHOOK, { t: w.b.id, u: 'https://93.184.215.14/b' }, w.ownerB.token)).createWebhook;
    expect(code(await gql(RULE, { i: rule(w.a.id, { webhookIds: [hookB.webhook.id] }) }, w.ownerA.token))).toBe(
      'NOT_FOUND',
    );
    // a filter within the team is kept: its members and keys
    const inTeam = { filter: { range, userIds: [w.memberA.id], apiKeyIds: [w.a.keyIds[1]] } };
    expect((await ok(RULE, { i: rule(w.a.id, inTeam) }, w.ownerA.token)).createAlertRule.teamId).toBe(w.a.id);
    const count = await app
      .get(DataSource)
      .query('SELECT count(*)::int AS n FROM alert_rules WHERE team_id = $1', [w.a.id]);
    expect(count[0].n).toBe(1);
    await ok(DELETE, { id: (await ok(RULES, { t: w.a.id }, w.ownerA.token)).alertRules[0].id }, w.ownerA.token);
  });

  it('a threshold rule fires once when crossed and resolves once when back, under two racing evaluators', async () => {
    const service = `svc-alerts-${randomBytes(3).toString('hex')}`;
    const filter = { range: { preset: 'LAST_HOUR' }, services: [service] };
    const created = (
      await ok(RULE, { i: rule(w.a.id, { filter, above: 2, windowMinutes: 10, severity: 'CRITICAL' }) }, w.ownerA.token)
    ).createAlertRule;
    const evaluator = app.get(RuleEvaluator);
    const first = await evaluator.evaluate();
    expect(first.find((o) => o.ruleId === created.id)).toMatchObject({ value: 0, breached: false, changed: null });

    const now = Date.now();
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(
        Array.from({ length: 3 }, () =>
          makeEvent({ team_id: w.a.id, service, occurred_at: new Date(now - 60_000).toISOString() }),
        ),
      )
      .expect(202);
    const summary = 'query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }';
    await waitFor(
      'the events in the engine',
      async () => (await ok(summary, { f: { ...filter, teamIds: [w.a.id] } }, admin)).usageSummary.requests,
      (n) => n === 3,
    );
    const raced = await Promise.all([evaluator.evaluate(), evaluator.evaluate()]);
    const changes = raced.flat().filter((o) => o.ruleId === created.id && o.changed);
    expect(changes.map((c) => c.changed)).toEqual(['FIRING']);
    expect((await evaluator.evaluate()).find((o) => o.ruleId === created.id)?.changed).toBeNull();

    // half an hour later the window holds nothing: back below the threshold
    const later = Date.now() + 30 * 60_000;
    const resolved = await Promise.all([evaluator.evaluate(later), evaluator.evaluate(later)]);
    expect(
      resolved
        .flat()
        .filter((o) => o.ruleId === created.id && o.changed)
        .map((c) => c.changed),
    ).toEqual(['RESOLVED']);

    const events = (await ok(EVENTS, { t: w.a.id }, w.ownerA.token)).alertEvents;
    const ofRule = events.edges.filter((e: any) => e.node.rule?.id === created.id).map((e: any) => e.node);
    expect(ofRule.map((e: any) => e.state)).toEqual(['RESOLVED', 'FIRING']); // newest first
    expect(ofRule[1].value).toBe(3);
    expect(ofRule[1].message).toContain('above 2');
    expect(events.totalCount).toBeGreaterThanOrEqual(2);
    expect(code(await gql(EVENTS, { t: w.a.id }, w.memberA.token))).toBe('FORBIDDEN');
    expect(code(await gql(EVENTS, { t: w.a.id, after: 'bm9wZQ' }, w.ownerA.token))).toBe('BAD_USER_INPUT');
    await ok(DELETE, { id: created.id }, w.ownerA.token);
  });

  it('budgets: exact spend, each threshold once per period under two concurrent evaluators, and verify', async () => {
    const model = `budget-model-${randomBytes(3).toString('hex')}`;
    await ok(
      `mutation($m: String!, $f: DateTime!) { setModelPrice(model: $m, effectiveFrom: $f, inputPerMillion: "1000",
        outputPerMillion: "0") { model } }`,
      { m: model, f: new Date(Date.now() - 3_600_000).toISOString() },
      admin,
    );
    await app.get(PriceBook).load();
    const key = (
      await ok(
        `mutation($t: ID!) { createApiKey(teamId: $t, name: "budgeted") { secret apiKey { id } } }`,
        { t: w.a.id },
        w.memberA.token,
      )
    ).createApiKey;
    const keyId: string = key.apiKey.id;

    // who may set: the team's OWNER/ADMIN and platform ADMIN/FINANCE
    const onKey = { t: w.a.id, k: keyId, a: '10', p: 'DAY' };
    for (const who of [w.memberA, w.shared, w.ownerB, w.outsider, w.sre]) {
      expect(code(await gql(BUDGET, onKey, who.token))).toBe('FORBIDDEN');
    }
    expect((await ok(BUDGET, { ...onKey, a: '20' }, w.finance.token)).setBudget.amount).toBe('20');
    const budget = (await ok(BUDGET, onKey, w.ownerA.token)).setBudget; // the same budget, changed
    expect(budget).toMatchObject({ amount: '10', spent: '0', remaining: '10', thresholds: [50, 75, 100] });
    const teamBudget = (await ok(BUDGET, { t: w.a.id, a: '1000.5', p: 'MONTH', z: 'Europe/Paris' }, admin)).setBudget;
    expect(teamBudget).toMatchObject({ amount: '1000.5', period: 'MONTH', timeZone: 'Europe/Paris' });
    for (const [bad, expected] of [
      [{ a: '1e5' }, 'BAD_USER_INPUT'],
      [{ a: '-1' }, 'BAD_USER_INPUT'],
      [{ a: '0' }, 'BAD_USER_INPUT'],
      [{ a: '1.0000000001' }, 'BAD_USER_INPUT'],
      [{ z: 'Mars/Olympus' }, 'BAD_USER_INPUT'],
      [{ th: [] }, 'BAD_USER_INPUT'],
      [{ th: [0] }, 'BAD_USER_INPUT'],
      [{ u: w.memberA.id }, 'BAD_USER_INPUT'],
      [{ k: w.b.keyIds[0] }, 'NOT_FOUND'],
    ] as const) {
      expect([bad, code(await gql(BUDGET, { ...onKey, ...bad }, w.ownerA.token))]).toEqual([bad, expected]);
    }

    // 8 calls of 1,000 input tokens at 1,000 per million: 8 exactly
    const now = Date.now();
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(
        Array.from({ length: 8 }, () =>
          makeEvent({
            team_id: w.a.id,
            user_id: w.memberA.id,
            api_key_id: keyId,
            model,
            input_tokens: 1000,
            output_tokens: 0,
            reasoning_tokens: 0,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            occurred_at: new Date(now).toISOString(),
          }),
        ),
      )
      .expect(202);
    await waitFor(
      'the budgeted calls',
      async () =>
        (
          await ok(
            'query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }',
            { f: { range: { preset: 'LAST_HOUR' }, teamIds: [w.a.id], apiKeyIds: [keyId] } },
            admin,
          )
        ).usageSummary.requests,
      (n) => n === 8,
    );

    const postgres = app.get(DataSource);
    const another = new BudgetEvaluator(
      new BudgetSpend(app.get(UsageQueries), new KeyBudgets(), postgres, app.get(UsageTally), new KeyStateChanges()),
      app.get(AlertRaiser),
      postgres,
    );
    const crossings = (await Promise.all([app.get(BudgetEvaluator).evaluate(), another.evaluate()])).flat();
    expect(crossings.filter((c) => c.budgetId === budget.id).map((c) => [c.threshold, c.spent])).toEqual(
      expect.arrayContaining([
        [50, '8'],
        [75, '8'],
      ]),
    );
    expect(crossings.filter((c) => c.budgetId === budget.id)).toHaveLength(2);
    expect(crossings.filter((c) => c.budgetId === teamBudget.id)).toEqual([]);
    expect(await Promise.all([app.get(BudgetEvaluator).evaluate(), another.evaluate()])).toEqual([[], []]);
    const rows = await postgres.query(
      `SELECT threshold, spent::text AS spent FROM budget_crossings WHERE budget_id = $1 ORDER BY threshold`,
      [budget.id],
    );
    expect(rows).toEqual([
      { threshold: 50, spent: '8.000000000' },
      { threshold: 75, spent: '8.000000000' },
    ]);
    const events = (await ok(EVENTS, { t: w.a.id }, w.ownerA.token)).alertEvents.edges
      .map((e: any) => e.node)
      .filter((n: any) => n.budget?.id === budget.id);
    expect(events).toHaveLength(2);
    expect(events[0].message).toMatch(/budget (50|75)% reached: spent 8 of 10/);

    // reading: managers and FINANCE see every budget; a member those on themselves or their keys
    const listed = (await ok(BUDGETS, { t: w.a.id }, w.ownerA.token)).budgets;
    expect(listed.find((b: any) => b.id === budget.id)).toMatchObject({ spent: '8', remaining: '2', exceeded: false });
    expect((await ok(BUDGETS, { t: w.a.id }, w.finance.token)).budgets).toHaveLength(2);
    expect((await ok(BUDGETS, { t: w.a.id }, w.memberA.token)).budgets.map((b: any) => b.id)).toEqual([budget.id]);
    expect((await ok(BUDGETS, { t: w.a.id }, w.shared.token)).budgets).toEqual([]);
    expect(code(await gql(BUDGETS, { t: w.a.id }, w.outsider.token))).toBe('FORBIDDEN');

    // the gateway's view: the tightest budget of the key, its holder and its team
    const verify = async () =>
      (
        await request(app.getHttpServer())
          .post('/v1/keys/verify')
          .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
          .send({ key: key.secret })
          .expect(200)
      ).body;
    expect((await verify()).budget).toEqual({ amount: '10', spent: '8', remaining: '2', exceeded: false });
    await ok(BUDGET, { t: w.a.id, u: w.memberA.id, a: '7.5', p: 'WEEK' }, w.ownerA.token);
    // a budget does not decide `valid` (quotas and key state do): the gateway reads `exceeded`
    const tight = await verify();
    expect(tight.budget).toEqual({ amount: '7.5', spent: '8', remaining: '-0.5', exceeded: true });
  });

  it('refuses webhook URLs that reach private, loopback or link-local addresses, and non-managers', async () => {
    for (const url of [
      'ftp://example.com/hook',
      'http://localhost:8080/hook',
      'http://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://user:secret@93.184.215.14/hook',
    ]) {
      expect([url, code(await gql(WEBHOOK, { t: w.a.id, u: url }, w.ownerA.token))]).toEqual([url, 'BAD_USER_INPUT']);
    }
    const url = 'https://93.184.215.14/hook';
    for (const who of [w.memberA, w.ownerB, w.finance]) {
      expect(code(await gql(WEBHOOK, { t: w.a.id, u: url }, who.token))).toBe('FORBIDDEN');
    }
    expect(code(await gql(WEBHOOK, { t: null, u: url }, w.ownerA.token))).toBe('FORBIDDEN');
    const rows = await app
      .get(DataSource)
      .query('SELECT count(*)::int AS n FROM webhooks WHERE team_id = $1', [w.a.id]);
    expect(rows[0].n).toBe(0);
  });

  it('delivers every alert once, signed, to a receiver that was down, across a restart of the service', async () => {
    const created = (await ok(WEBHOOK, { t: w.a.id, u: receiver.url }, w.ownerA.token)).createWebhook;
    const secret: string = created.secret;
    expect(secret).toMatch(/^whsec_/);
    const [stored] = await app
      .get(DataSource)
      .query('SELECT secret_ciphertext FROM webhooks WHERE id = $1', [created.webhook.id]);
    expect(stored.secret_ciphertext).not.toContain(secret.slice(6));

    // three rules that fire at once (no calls on a service nobody uses)
    const quiet = { range: { preset: 'LAST_HOUR' }, services: ['svc-nobody'] };
    for (let i = 0; i < 3; i++) {
      await ok(
        RULE,
        { i: rule(w.a.id, { filter: quiet, above: null, below: 1, webhookIds: [created.webhook.id] }) },
        w.ownerA.token,
      );
    }
    // one evaluation: the three rules fire, and the member's 7.5 budget (spent 8) crosses 50, 75 and 100%
    await app.get(AlertScheduler).runOnce();
    const queued: Array<{ id: string; rule_id: string | null; budget_id: string | null }> = await app
      .get(DataSource)
      .query(
        `SELECT e.id, e.rule_id, e.budget_id FROM alert_events e JOIN webhook_deliveries d ON d.alert_event_id = e.id
         WHERE d.webhook_id = $1`,
        [created.webhook.id],
      );
    expect(queued.filter((e) => e.rule_id)).toHaveLength(3);
    expect(queued.filter((e) => e.budget_id)).toHaveLength(3);
    const fired = queued.map((e) => e.id);

    // the receiver is down: attempts fail and are logged, and retried
    await waitFor(
      'failed attempts',
      async () => (await ok(ATTEMPTS, { t: w.a.id }, w.ownerA.token)).webhookAttempts,
      (log: any[]) => new Set(log.filter((a) => a.error && a.attempt >= 2).map((a) => a.deliveryId)).size === 6,
      30_000,
    );
    const failedLog = (await ok(ATTEMPTS, { t: w.a.id }, w.ownerA.token)).webhookAttempts;
    expect(failedLog.every((a: any) => a.httpStatus === null && a.deliveryStatus === 'PENDING')).toBe(true);
    expect(failedLog[0].error).toMatch(/ECONNREFUSED/);

    // the service restarts; then the receiver comes up
    await app.close();
    app = await startStandalone(config);
    await receiver.up();
    await waitFor(
      'every delivery',
      async () => receiver.unique().length,
      (n) => n >= fired.length,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1500)); // any repeat would arrive by now

    const unique = receiver.unique();
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (const r of unique) expect(verifySignature(secret, r.body, r.signature, nowSeconds)).toBe(true);
    // a tampered body fails the receiver's check
    expect(verifySignature(secret, unique[0].body.replace('FIRING', 'RESOLVED'), unique[0].signature, nowSeconds)).toBe(
      false,
    );
    const alertIds = unique.map((r) => (JSON.parse(r.body) as { id: string }).id);
    expect(alertIds.sort()).toEqual([...fired].sort());
    const statuses = await app
      .get(DataSource)
      .query('SELECT status FROM webhook_deliveries WHERE webhook_id = $1', [created.webhook.id]);
    expect(statuses.map((s: { status: string }) => s.status)).toEqual(fired.map(() => 'DELIVERED'));
    process.stdout.write(
      `webhook loss test: ${fired.length} alerts, ${receiver.received.length} requests received, ` +
        `${unique.length} distinct deliveries, ${failedLog.length} failed attempts logged while down\n`,
    );

    const metrics = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^webhook_deliveries_delivered_total 6$/m);
    expect(metrics).toMatch(/^webhook_deliveries_pending 0$/m);
    expect(metrics).toMatch(/^webhook_delivery_attempts_failed_total \d+$/m);
  });

  it('streams alert events to subscribers, and ends a subscription whose access ended', async () => {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const client = (token: string) => {
      const c = createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      clients.push(c);
      return c;
    };
    const listen = (token: string, teamId: string) => {
      const got: Array<{ state: string; message: string }> = [];
      const errors: any[] = [];
      let completed = false;
      client(token).subscribe<{ alerts: { state: string; message: string } }>(
        { query: 'subscription($t: ID) { alerts(teamId: $t) { state message } }', variables: { t: teamId } },
        {
          next: (m) => (m.data ? got.push(m.data.alerts) : errors.push(m.errors)),
          error: (e) => errors.push(e),
          complete: () => (completed = true),
        },
      );
      return { got, errors, completed: () => completed };
    };
    const ownerB = listen(w.ownerB.token, w.b.id);
    const shared = listen(w.shared.token, w.b.id); // ADMIN of B for now
    const member = listen(w.memberB.token, w.b.id);
    await waitFor(
      "the member's refusal",
      async () => member.errors.length,
      (n) => n > 0,
    );
    expect(JSON.stringify(member.errors)).toContain('FORBIDDEN');

    await new Promise((r) => setTimeout(r, 1500)); // the subscriptions are polling
    const fire = async (name: string) =>
      app.get(DataSource).transaction(async (manager) => {
        await app
          .get(AlertRaiser)
          .raise(
            alertsStore(manager),
            { teamId: w.b.id, state: 'FIRING', severity: 'INFO', value: 1, message: name },
            { webhookIds: [] },
          );
      });
    await fire('first');
    await waitFor(
      'the first push',
      async () => ownerB.got.length + shared.got.length,
      (n) => n === 2,
      15_000,
    );
    expect(shared.got[0]).toEqual({ state: 'FIRING', message: 'first' });

    await ok(
      'mutation($t: ID!, $u: ID!) { changeRole(teamId: $t, userId: $u, role: MEMBER) { role } }',
      { t: w.b.id, u: w.shared.id },
      w.ownerB.token,
    );
    await fire('second');
    await waitFor(
      'the second push and the end',
      async () => ownerB.got.length === 2 && shared.completed(),
      (done) => done,
      15_000,
    );
    expect(shared.got.map((e) => e.message)).toEqual(['first']);
    expect(JSON.stringify(shared.errors)).toContain('FORBIDDEN');
  });
  it("turns the detector's anomaly incidents into alert events: once per matching rule, resolved once", async () => {
    const teamRule = await anomalyRule(w.a.id, 3, 'ERRORS', w.ownerA.token);
    const platformRule = await anomalyRule(null, 10, 'ERRORS', w.sre.token);
    const raiser = app.get(AlertRaiser);
    const anomalyId = randomUUID();
    const incident = { anomalyId, teamId: w.a.id, metric: 'ERRORS', score: 4.2, observed: 57, message: 'errors up' };
    const opened = await raiser.anomalyOpened(incident);
    expect(opened.map((e) => [e.rule_id, e.state, e.anomaly_id, e.team_id])).toEqual([
      [teamRule.id, 'FIRING', anomalyId, w.a.id],
    ]);
    expect(await raiser.anomalyOpened(incident)).toEqual([]); // told twice: fired once
    expect(await raiser.anomalyOpened({ ...incident, anomalyId: randomUUID(), teamId: w.b.id })).toEqual([]);
    expect(await raiser.anomalyOpened({ ...incident, anomalyId: randomUUID(), metric: 'REQUESTS' })).toEqual([]);
    // a strong one reaches the platform's rule too, in the platform's feed
    const strong = await raiser.anomalyOpened({ ...incident, anomalyId: randomUUID(), score: -12 });
    expect(strong.map((e) => [e.rule_id, e.team_id]).sort()).toEqual(
      [
        [teamRule.id, w.a.id],
        [platformRule.id, null],
      ].sort(),
    );

    const resolved = await raiser.anomalyResolved({ anomalyId, observed: 3, message: 'errors back' });
    expect(resolved.map((e) => [e.rule_id, e.state])).toEqual([[teamRule.id, 'RESOLVED']]);
    expect(await raiser.anomalyResolved({ anomalyId, observed: 3, message: 'again' })).toEqual([]);
    // threshold evaluation leaves anomaly rules alone
    expect((await app.get(RuleEvaluator).evaluate()).map((o) => o.ruleId)).not.toContain(teamRule.id);
    const feed = (await ok(EVENTS, { t: w.a.id }, w.ownerA.token)).alertEvents.edges.map((e: any) => e.node);
    // newest first: the strong incident's FIRING came before the first one's RESOLVED
    expect(feed.filter((n: any) => n.rule?.id === teamRule.id).map((n: any) => n.state)).toEqual([
      'RESOLVED',
      'FIRING',
      'FIRING',
    ]);
    const platformFeed = (await ok(EVENTS, { t: null }, w.sre.token)).alertEvents.edges.map((e: any) => e.node);
    expect(platformFeed.filter((n: any) => n.rule?.id === platformRule.id)).toHaveLength(1);
    expect(code(await gql(EVENTS, { t: null }, w.ownerA.token))).toBe('FORBIDDEN');
  });

  it('alerts an incident stored while nothing listened, once, opening before resolution; a failed write is retried', async () => {
    const bRule = await anomalyRule(w.b.id, 3, 'REQUESTS', w.ownerB.token);
    const store = app.get(AnomalyStore);
    const alerts = app.get(AnomalyAlerts);
    const postgres = app.get(DataSource);
    const states = async (anomalyId: string) =>
      (
        await postgres.query<Array<{ state: string }>>(
          `SELECT state FROM alert_events WHERE anomaly_id = $1 AND rule_id = $2 ORDER BY at, id`,
          [anomalyId, bRule.id],
        )
      ).map((r) => r.state);
    const series = { id: `TEAM:${w.b.id}`, dimension: 'TEAM' as const, key: w.b.id, teamId: w.b.id, ownerId: null };
    const judgement = { expected: 100, observed: 900, score: 9, direction: 'SPIKE' as const };
    const at = Date.now() - 120_000;
    // the detector stored the incident and its end, and the process died before either was alerted
    const anomaly = (await store.open({ kind: 'opened', series, metric: 'REQUESTS', startedAt: at, at, judgement }))!;
    await store.resolve({ kind: 'resolved', series, metric: 'REQUESTS', endedAt: at + 60_000, at: at + 60_000 });

    const raiser = app.get(AlertRaiser);
    const failing = jest.spyOn(raiser, 'anomalyOpened').mockRejectedValueOnce(new Error('connection reset'));
    await alerts.catchUp();
    failing.mockRestore();
    // the opening's write failed, so neither it nor the resolution (which waits for it) was claimed
    expect(await states(anomaly.id)).toEqual([]);
    const toAlert = async () =>
      (await app.get(AnomalyIncidents).toAlert()).filter((e) => e.anomaly.id === anomaly.id).map((e) => e.kind);
    expect(await toAlert()).toEqual(['opened', 'resolved']);

    await alerts.catchUp();
    expect(await states(anomaly.id)).toEqual(['FIRING', 'RESOLVED']);
    // told again, by a catch-up and by the live stream: nothing more
    app.get(AnomalyIncidents).publish({ kind: 'opened', anomaly });
    app.get(AnomalyIncidents).publish({ kind: 'resolved', anomaly });
    await alerts.catchUp();
    expect(await states(anomaly.id)).toEqual(['FIRING', 'RESOLVED']);
    expect(await toAlert()).toEqual([]);
  });
});
