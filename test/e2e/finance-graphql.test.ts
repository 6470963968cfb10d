import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { AppConfig } from '@app/config';
import type { CallEventV1 } from '@app/ingest';
import { computeCost } from '@app/pricing';
import { fromUnits, toUnits } from '../../libs/analytics/src/exact-amount';
import { graphql, platformAdminToken, startStandalone } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';
import { buildTwoTeams, TwoTeams } from '../security/two-teams';

/**
 * Finance through the public API on events that went through Kafka and were priced at ingest:
 * exact amounts beside the plotted values, the currency, unpriced usage, costReport and its CSV,
 * every answer checked against the events sent.
 */
const PRICED = 'glm-5';
const UNPRICED = 'no-price-model';
const RATES = {
  inputPerMillion: '1234.123456789',
  outputPerMillion: '7.25',
  cacheReadPerMillion: '0.112345678',
  cacheWritePerMillion: '2.5',
};
const add = (...amounts: string[]) => fromUnits(amounts.reduce((s, a) => s + toUnits(a), 0n));

describe('finance: exact money, costReport, unpriced usage', () => {
  let config: AppConfig;
  let app: INestApplication;
  let world: TwoTeams;
  let events: CallEventV1[];
  let filter: Record<string, unknown>;

  async function ok<T = Record<string, any>>(query: string, variables: Record<string, unknown>, token?: string) {
    const res = await graphql<T>(app, query, variables, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  }
  const codes = async (query: string, variables: Record<string, unknown>, token?: string) =>
    (await graphql(app, query, variables, token)).errors?.map((e) => e.extensions?.code);

  /** The amounts pricing gives an event ('0' without a price), to compare answers with. */
  const amountsOf = (e: CallEventV1) =>
    e.model === PRICED
      ? computeCost(e, { ...RATES }, 100)
      : {
          cost: '0',
          credits: '0',
          input_cost: '0',
          output_cost: '0',
          cache_read_cost: '0',
          cache_write_cost: '0',
        };

  beforeAll(async () => {
    config = isolatedConfig('finance_e2e', { CURRENCY: 'EUR' });
    app = await startStandalone(config);
    const pricedAt = Date.now();
    await ok(
      `mutation($m: String!, $i: String!, $o: String!, $cr: String, $cw: String) { setModelPrice(model: $m,
        effectiveFrom: "2026-01-01T00:00:00Z", inputPerMillion: $i, outputPerMillion: $o, cacheReadPerMillion: $cr,
        cacheWritePerMillion: $cw) { id } }`,
      {
        m: PRICED,
        i: RATES.inputPerMillion,
        o: RATES.outputPerMillion,
        cr: RATES.cacheReadPerMillion,
        cw: RATES.cacheWritePerMillion,
      },
      await platformAdminToken(app),
    );
    // buildTwoTeams sends a few calls of its own (a model without a price) and waits for them
    world = await buildTwoTeams(app);
    // the price book reloads every 10 s: events sent after that are priced
    await new Promise((r) => setTimeout(r, Math.max(0, pricedAt + 11_000 - Date.now())));
    const base = Date.now() - 60_000;
    const teams = [world.a, world.b];
    events = Array.from({ length: 240 }, (_, i) =>
      makeEvent({
        team_id: teams[i % 2].id,
        user_id: [world.ownerA, world.ownerB][i % 2].id,
        api_key_id: teams[i % 2].keyIds[0],
        model: i % 5 === 0 ? UNPRICED : PRICED,
        service: i % 3 === 0 ? 'batch' : 'chat',
        // spread over three UTC days' worth of hours, ending a minute ago
        occurred_at: new Date(base - ((i * 17) % 60) * 3_600_000).toISOString(),
      }),
    );
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(events)
      .expect(202);
    filter = {
      range: { from: new Date(base - 61 * 3_600_000).toISOString(), to: new Date(base + 1).toISOString() },
      teamIds: [world.a.id, world.b.id],
      services: ['chat', 'batch'],
    };
    await waitFor(
      'the finance events',
      async () =>
        (await ok(`query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }`, { f: filter })).usageSummary
          .requests,
      (n) => n === events.length,
    );
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  it('usageSummary names the currency, the exact cost and line items, and the unpriced models', async () => {
    const { usageSummary } = await ok(
      `query($f: UsageFilter!) { usageSummary(filter: $f) { currency cost credits inputCost outputCost cacheReadCost
        cacheWriteCost unpricedRequests unpricedTokens unpricedModels } }`,
      { f: filter },
    );
    const amounts = events.map(amountsOf);
    const unpriced = events.filter((e) => e.model === UNPRICED);
    expect(usageSummary).toEqual({
      currency: 'EUR',
      cost: add(...amounts.map((a) => a.cost)),
      credits: add(...amounts.map((a) => a.credits)),
      inputCost: add(...amounts.map((a) => a.input_cost)),
      outputCost: add(...amounts.map((a) => a.output_cost)),
      cacheReadCost: add(...amounts.map((a) => a.cache_read_cost)),
      cacheWriteCost: add(...amounts.map((a) => a.cache_write_cost)),
      unpricedRequests: unpriced.length,
      unpricedTokens: unpriced.reduce((s, e) => s + e.input_tokens + e.output_tokens, 0),
      unpricedModels: [UNPRICED],
    });
    // in units of 10^-15 the cost is past 2^53, where a double stops holding every integer: only exact
    // decimal arithmetic gives the equality above (a count of its digits was random: 17 failed CI once)
    expect(toUnits(usageSummary.cost)).toBeGreaterThan(2n ** 53n);
  });

  it('trend: money series carry exact amounts, min, max and avg; credits no currency; counts no amounts', async () => {
    const { usageTrend } = await ok(
      `query($f: UsageFilter!) { usageTrend(filter: $f, granularity: HOUR, metrics: [COST, CREDITS, REQUESTS]) {
        metric currency minAmount maxAmount avgAmount min max points { t value amount } } }`,
      { f: filter },
    );
    const [cost, credits, requests] = usageTrend;
    const perHour = new Map<number, bigint>();
    for (const e of events) {
      const hour = Math.floor(Date.parse(e.occurred_at) / 3_600_000) * 3_600_000;
      perHour.set(hour, (perHour.get(hour) ?? 0n) + toUnits(amountsOf(e).cost));
    }
    for (const p of cost.points) {
      expect({ t: p.t, amount: p.amount }).toEqual({ t: p.t, amount: fromUnits(perHour.get(Date.parse(p.t)) ?? 0n) });
      expect(p.value).toBe(Number(p.amount));
    }
    const units = cost.points.map((p: any) => toUnits(p.amount));
    const sum = units.reduce((s: bigint, u: bigint) => s + u, 0n);
    expect(cost.currency).toBe('EUR');
    expect(cost.minAmount).toBe(fromUnits(units.reduce((a: bigint, b: bigint) => (b < a ? b : a))));
    expect(cost.maxAmount).toBe(fromUnits(units.reduce((a: bigint, b: bigint) => (b > a ? b : a))));
    // the mean rounded to 15 places, half to even (a quotient check that does not reuse the code under test)
    const n = BigInt(units.length);
    const avg = toUnits(cost.avgAmount);
    expect((avg * n - sum) * 2n <= n && (sum - avg * n) * 2n <= n).toBe(true);
    expect(cost.max).toBe(Number(cost.maxAmount));
    expect(credits.currency).toBeNull();
    expect(credits.points.every((p: any) => p.amount === fromUnits(toUnits(p.amount)))).toBe(true);
    expect(requests).toMatchObject({ currency: null, minAmount: null, maxAmount: null, avgAmount: null });
    expect(requests.points.every((p: any) => p.amount === null)).toBe(true);
  });

  it('ranking and breakdown rows carry the exact amount and their unpriced requests', async () => {
    const { usageRanking, usageBreakdown } = await ok(
      `query($f: UsageFilter!) {
        usageRanking(filter: $f, dimension: MODEL, metric: COST, limit: 5) { key value amount unpricedRequests }
        usageBreakdown(filter: $f, view: USER, first: 10) { edges { node { key cost unpricedRequests } } } }`,
      { f: filter },
    );
    const costOf = (model: string) => add(...events.filter((e) => e.model === model).map((e) => amountsOf(e).cost));
    expect(usageRanking).toEqual([
      { key: PRICED, value: Number(costOf(PRICED)), amount: costOf(PRICED), unpricedRequests: 0 },
      { key: UNPRICED, value: 0, amount: '0', unpricedRequests: events.filter((e) => e.model === UNPRICED).length },
    ]);
    const byUser = new Map(usageBreakdown.edges.map((e: any) => [e.node.key, e.node]));
    for (const owner of [world.ownerA, world.ownerB]) {
      const own = events.filter((e) => e.user_id === owner.id);
      expect(byUser.get(owner.id)).toEqual({
        key: owner.id,
        cost: add(...own.map((e) => amountsOf(e).cost)),
        unpricedRequests: own.filter((e) => e.model === UNPRICED).length,
      });
    }
  });

  const REPORT = `query($f: UsageFilter!, $g: [UsageDimension!]!, $gr: Granularity, $first: Int, $after: String) {
    costReport(filter: $f, groupBy: $g, granularity: $gr, first: $first, after: $after) { currency
      pageInfo { hasNextPage endCursor }
      edges { cursor node { keys labels bucket requests inputTokens outputTokens cacheReadTokens cacheWriteTokens
        cost lineItems { input output cacheRead cacheWrite } credits unpricedRequests unpricedTokens } } } }`;

  async function reportRows(groupBy: string[], granularity?: string, token?: string, f = filter) {
    const rows: any[] = [];
    let after: string | undefined;
    for (;;) {
      const { costReport } = await ok(REPORT, { f, g: groupBy, gr: granularity, first: 7, after }, token);
      expect(costReport.currency).toBe('EUR');
      rows.push(...costReport.edges.map((e: any) => e.node));
      if (!costReport.pageInfo.hasNextPage) return rows;
      after = costReport.pageInfo.endCursor;
    }
  }

  it('costReport team × model × day: every row equals its events, line items sum to cost, pages in order', async () => {
    const rows = await reportRows(['TEAM', 'MODEL'], 'DAY');
    const expected = new Map<string, CallEventV1[]>();
    for (const e of events) {
      const day = new Date(Math.floor(Date.parse(e.occurred_at) / 86_400_000) * 86_400_000).toISOString();
      const k = JSON.stringify([day, e.team_id, e.model]);
      expected.set(k, [...(expected.get(k) ?? []), e]);
    }
    expect(rows.map((r) => JSON.stringify([r.bucket, ...r.keys]))).toEqual([...expected.keys()].sort());
    for (const r of rows) {
      const evs = expected.get(JSON.stringify([r.bucket, ...r.keys]))!;
      const amounts = evs.map(amountsOf);
      const unpriced = evs.filter((e) => e.model === UNPRICED);
      expect(r).toEqual({
        keys: r.keys,
        labels: [r.keys[0] === world.a.id ? world.a.name : world.b.name, r.keys[1]],
        bucket: r.bucket,
        requests: evs.length,
        inputTokens: evs.reduce((s, e) => s + e.input_tokens, 0),
        outputTokens: evs.reduce((s, e) => s + e.output_tokens, 0),
        cacheReadTokens: evs.reduce((s, e) => s + e.cache_read_tokens, 0),
        cacheWriteTokens: evs.reduce((s, e) => s + e.cache_write_tokens, 0),
        cost: add(...amounts.map((a) => a.cost)),
        lineItems: {
          input: add(...amounts.map((a) => a.input_cost)),
          output: add(...amounts.map((a) => a.output_cost)),
          cacheRead: add(...amounts.map((a) => a.cache_read_cost)),
          cacheWrite: add(...amounts.map((a) => a.cache_write_cost)),
        },
        credits: add(...amounts.map((a) => a.credits)),
        unpricedRequests: unpriced.length,
        unpricedTokens: unpriced.reduce((s, e) => s + e.input_tokens + e.output_tokens, 0),
      });
      const { input, output, cacheRead, cacheWrite } = r.lineItems;
      expect(add(input, output, cacheRead, cacheWrite)).toBe(r.cost);
    }
  });

  it('costReport refuses a bad grouping or cursor with BAD_USER_INPUT', async () => {
    const vars = (g: string[], extra: Record<string, unknown> = {}) => ({ f: filter, g, ...extra });
    expect(await codes(REPORT, vars([]))).toEqual(['BAD_USER_INPUT']);
    expect(await codes(REPORT, vars(['TEAM', 'MODEL', 'TEAM']))).toEqual(['BAD_USER_INPUT']);
    expect(await codes(REPORT, vars(['TEAM', 'USER', 'API_KEY', 'MODEL', 'SERVICE']))).toEqual(['BAD_USER_INPUT']);
    expect(await codes(REPORT, vars(['TAG']))).toEqual(['BAD_USER_INPUT']);
    expect(await codes(REPORT, vars(['TEAM'], { first: 0 }))).toEqual(['BAD_USER_INPUT']);
    const { costReport } = await ok(REPORT, vars(['TEAM'], { first: 1 }));
    const cursor: string = costReport.pageInfo.endCursor;
    // a cursor of another grouping, and an edited one
    expect(await codes(REPORT, vars(['MODEL'], { after: cursor }))).toEqual(['BAD_USER_INPUT']);
    expect(await codes(REPORT, vars(['TEAM'], { after: `x${cursor}` }))).toEqual(['BAD_USER_INPUT']);
  });

  it('costReport is scoped like usageSummary: owners their team, members themselves, finance every team', async () => {
    const q = (teamIds?: string[]) => ({ range: { preset: 'LAST_3_DAYS' }, ...(teamIds ? { teamIds } : {}) });
    expect(await codes(REPORT, { f: q([world.b.id]), g: ['USER'] }, world.ownerA.token)).toEqual(['FORBIDDEN']);
    expect(await codes(REPORT, { f: q([world.a.id]), g: ['USER'] }, world.memberA.token)).toEqual(['FORBIDDEN']);
    const ownersView = await reportRows(['TEAM', 'USER'], undefined, world.ownerA.token, q([world.a.id]));
    expect(new Set(ownersView.map((r) => r.keys[0]))).toEqual(new Set([world.a.id]));
    const membersView = await reportRows(['USER', 'MODEL'], undefined, world.memberA.token, q());
    expect(membersView.length).toBeGreaterThan(0);
    expect(membersView.every((r) => r.keys[0] === world.memberA.id)).toBe(true);
    const financeView = await reportRows(['TEAM'], undefined, world.finance.token, q([world.a.id, world.b.id]));
    const summary = await ok(
      `query($f: UsageFilter!) { usageSummary(filter: $f) { requests cost } }`,
      { f: q([world.a.id, world.b.id]) },
      world.finance.token,
    );
    expect({
      requests: financeView.reduce((s, r) => s + r.requests, 0),
      cost: add(...financeView.map((r) => r.cost)),
    }).toEqual(summary.usageSummary);
  });

  it('the CSV export takes several dimensions (groupBy=TEAM,MODEL) and still one', async () => {
    const csv = async (query: string) => {
      const res = await request(app.getHttpServer())
        .get(`/v1/exports/usage.csv?${query}`)
        .set('Authorization', `Bearer ${await platformAdminToken(app)}`);
      return res;
    };
    const { from, to } = filter.range as { from: string; to: string };
    const range = `from=${from}&to=${to}&teamIds=${world.a.id},${world.b.id}`;
    const several = await csv(`${range}&services=chat,batch&groupBy=TEAM,MODEL&granularity=DAY`);
    expect(several.status).toBe(200);
    const [header, ...lines] = several.text.trim().split('\n');
    const cols = header.split(',');
    expect(cols.slice(0, 5)).toEqual(['bucket_start', 'team', 'team_label', 'model', 'model_label']);
    const rows = await reportRows(['TEAM', 'MODEL'], 'DAY');
    expect(
      lines.map((l) => {
        const cells = l.split(',');
        return [cells[0], cells[1], cells[3], Number(cells[cols.indexOf('requests')]), cells[cols.indexOf('cost')]];
      }),
    ).toEqual(rows.map((r) => [r.bucket, r.keys[0], r.keys[1], r.requests, r.cost]));
    const one = await csv(`${range}&groupBy=MODEL`);
    expect(one.text.split('\n')[0].startsWith('model,label,requests,')).toBe(true);
    expect((await csv(`${range}&groupBy=TEAM,TEAM`)).status).toBe(400);
    expect((await csv(`${range}&groupBy=TEAM,NOPE`)).status).toBe(400);
  });
});
