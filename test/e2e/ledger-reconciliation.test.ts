import type { INestApplication } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { Kafka } from 'kafkajs';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ClickHouseGateway } from '@app/clickhouse';
import type { AppConfig } from '@app/config';
import { DlqReplayCommand, type CallEventV1 } from '@app/ingest';
import { createKafka, IdempotentProducer } from '@app/kafka';
import { fromAmountUnits, priceIn, priceTokens, PriceVersion, toAmountUnits } from '@app/pricing';
import { createTestUser, graphql, startStandalone, TestUser } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, topicEnd, waitFor } from '../harness/test-env';

const DAY = 86_400_000;
const EVENTS = 50_000;
const TEAMS = 6;
const PRICED = 'ledger-model-a';
const STEADY = 'ledger-model-b';
const UNPRICED = 'ledger-model-free';

/**
 * The month a finance team closes, restated: 50,000 random events of last month (three price
 * changes of one model in it, a second model at one price, a third with none), a close, then late
 * events over HTTP, events past the intake horizon refused and then taken by an operator's DLQ
 * replay, and a repricing after a price correction, cut short once and completed. For every team:
 * closed + restatements = current = usageSummary = the events priced in JavaScript, exact to
 * 10^-15, and the line items add up to the cost. Real Kafka, engine and Postgres.
 */
describe('ledger: close, restate, reprice, reconcile', () => {
  const now = Date.now();
  const today = new Date(now);
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1);
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1);
  const period = new Date(start).toISOString().slice(0, 7);
  // the first days of the month are past the horizon: they come only through a replay
  const horizonDays = Math.floor((now - start) / DAY) - 5;
  const bulkFrom = now - horizonDays * DAY + DAY;
  const changes = [1, 2, 3].map((i) => Math.floor(bulkFrom + ((end - bulkFrom) * i) / 4));

  let config: AppConfig;
  let app: INestApplication;
  let kafka: Kafka;
  let producer: IdempotentProducer;
  let finance: TestUser;
  let owner: TestUser;
  let teams: string[];
  const prices = new Map<string, PriceVersion[]>();
  const stored: CallEventV1[] = [];

  beforeAll(async () => {
    config = isolatedConfig('ledger', { INGEST_HORIZON_DAYS: String(horizonDays), LEDGER_SETTLE_MS: '2000' });
    app = await startStandalone(config);
    kafka = createKafka(config.kafka, '-test');
    producer = new IdempotentProducer(kafka);
    finance = await createTestUser(app, 'finance', ['FINANCE']);
    owner = await createTestUser(app, 'owner');
    teams = [];
    for (let i = 0; i < TEAMS; i++) {
      const res = await graphql<{ createTeam: { id: string } }>(
        app,
        'mutation($n: String!) { createTeam(name: $n) { id } }',
        { n: `Ledger ${i}` },
        owner.token,
      );
      teams.push(res.data!.createTeam.id);
    }
    await setPrice(PRICED, start - 30 * DAY, '1.25', '5.5', '0.125', null);
    await setPrice(PRICED, changes[0], '1.333333333', '6.000000001', null, '2.5');
    await setPrice(PRICED, changes[1], '0.7', '2.9', '0.07', '0.9');
    await setPrice(PRICED, changes[2], '3.000000007', '9.1', '0.3', null);
    await setPrice(STEADY, start - 30 * DAY, '0.27', '1.1', null, null);
  }, 60_000);

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    if (config) await dropDatabase(config);
  });

  async function setPrice(
    model: string,
    from: number,
    input: string,
    output: string,
    read: string | null,
    write: string | null,
  ) {
    const res = await graphql<{ setModelPrice: { id: string } }>(
      app,
      `
        mutation ($m: String!, $f: DateTime!, $i: String!, $o: String!, $r: String, $w: String) {
          setModelPrice(
            model: $m
            effectiveFrom: $f
            inputPerMillion: $i
            outputPerMillion: $o
            cacheReadPerMillion: $r
            cacheWritePerMillion: $w
          ) {
            id
          }
        }
      `,
      { m: model, f: new Date(from).toISOString(), i: input, o: output, r: read, w: write },
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    const versions = [...(prices.get(model) ?? [])];
    versions.push({
      id: res.data!.setModelPrice.id,
      model,
      effectiveFrom: from,
      inputPerMillion: input,
      outputPerMillion: output,
      cacheReadPerMillion: read,
      cacheWritePerMillion: write,
    });
    prices.set(
      model,
      versions.sort((a, b) => a.effectiveFrom - b.effectiveFrom),
    );
  }

  function randomEvent(from: number, to: number): CallEventV1 {
    const draw = randomInt(100);
    return makeEvent({
      team_id: teams[randomInt(TEAMS)],
      model: draw < 60 ? PRICED : draw < 95 ? STEADY : UNPRICED,
      occurred_at: new Date(randomInt(from, to)).toISOString(),
      tags: draw % 3 === 0 ? ['batch'] : [],
    });
  }

  /** What each team's events cost with the price book as it stands (units of 10^-15), and their requests. */
  function expected(): Map<string, { cost: bigint; requests: number }> {
    return new Map(
      teams.map((t) => {
        const own = stored.filter((e) => e.team_id === t);
        return [t, { cost: costOf(own), requests: own.length }];
      }),
    );
  }

  async function post(events: CallEventV1[]) {
    return request(app.getHttpServer()).post('/v1/events').set('Authorization', `Bearer ${SERVICE_TOKEN}`).send(events);
  }

  async function summary(teamIds?: string[]) {
    const res = await graphql<{ usageSummary: Record<string, string | number> }>(
      app,
      `
        query ($f: UsageFilter!) {
          usageSummary(filter: $f) {
            requests
            cost
            inputCost
            outputCost
            cacheReadCost
            cacheWriteCost
            unpricedRequests
          }
        }
      `,
      { f: { range: { from: new Date(start).toISOString(), to: new Date(end).toISOString() }, teamIds } },
      finance.token,
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.usageSummary;
  }

  async function statement(teamId: string, token = finance.token) {
    return graphql<{
      statement: {
        closedAt: string | null;
        cost: string;
        requests: number;
        current: string;
        restatements: Array<{ at: string; cause: string; amount: string; requests: number }>;
      };
    }>(
      app,
      `
        query ($t: ID!, $p: String!) {
          statement(teamId: $t, period: $p) {
            closedAt
            cost
            requests
            current
            restatements {
              at
              cause
              amount
              requests
            }
          }
        }
      `,
      { t: teamId, p: period },
      token,
    );
  }

  const reprice = () =>
    graphql<{ repriceUsage: { id: string; events: number; oldCost: string; newCost: string; by: string } }>(
      app,
      `
        mutation ($m: String!, $f: DateTime!, $t: DateTime!) {
          repriceUsage(model: $m, from: $f, to: $t) {
            id
            events
            oldCost
            newCost
            by
          }
        }
      `,
      { m: PRICED, f: new Date(start).toISOString(), t: new Date(end).toISOString() },
      finance.token,
    );

  it('reconciles closed statements, restatements and current totals exactly, per team', async () => {
    // 1. the month: 50,000 events through POST /v1/events, 5,000 per request
    const month = Array.from({ length: EVENTS }, () => randomEvent(bulkFrom, end));
    for (let i = 0; i < month.length; i += 5000) {
      const res = await post(month.slice(i, i + 5000));
      expect(res.body).toEqual({ accepted: 5000, rejected: [] });
    }
    stored.push(...month);
    await waitFor(
      'the month in usageSummary',
      () => summary(),
      (s) => s.requests === EVENTS,
      90_000,
      500,
    );
    // the close's cut lies LEDGER_SETTLE_MS back (2 s here): past it, every event of the month is before the cut
    await new Promise((resolve) => setTimeout(resolve, config.ledger.settleMs + 500));

    // 2. the close, once
    const close = `mutation($p: String!) { closePeriod(period: $p) }`;
    expect((await graphql(app, close, { p: period }, owner.token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(app, close, { p: period }, finance.token)).data).toEqual({ closePeriod: true });
    const again = await graphql(app, close, { p: period }, finance.token);
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
    const atClose = expected();
    for (const team of teams) {
      const { data } = await statement(team);
      expect(data!.statement).toMatchObject({
        cost: fromAmountUnits(atClose.get(team)!.cost),
        requests: atClose.get(team)!.requests,
        restatements: [],
        current: fromAmountUnits(atClose.get(team)!.cost),
      });
    }

    // 3. late events: within the horizon over HTTP; past it refused, then replayed by an operator
    const late = Array.from({ length: 300 }, () => randomEvent(end - 2 * DAY, end - 1));
    expect((await post(late)).body).toEqual({ accepted: 300, rejected: [] });
    stored.push(...late);
    const old = Array.from({ length: 200 }, () => randomEvent(start, start + 2 * DAY));
    const refused = await post(old);
    expect(refused.status).toBe(400);
    expect(refused.body.error.rejected).toHaveLength(200);
    for (const { reason } of refused.body.error.rejected as Array<{ reason: string }>) {
      expect(reason).toMatch(/^too_old: occurred_at is \d+ days before now, past the intake horizon of \d+ days/);
    }
    // the same events produced to Kafka: the worker sends them to the DLQ, too old
    await producer.send(
      config.kafka.callsTopic,
      old.map((e) => ({ key: e.team_id, value: JSON.stringify(e) })),
    );
    await waitFor(
      '200 too_old in the DLQ',
      () => topicEnd(kafka, config.kafka.callsDlqTopic),
      (n) => n === 200,
      60_000,
    );
    const replay = await new DlqReplayCommand(kafka, config, producer, undefined, { allowOld: true }).execute();
    expect(replay).toEqual({ read: 200, replayed: 200, stillInvalid: {} });
    stored.push(...old);
    await waitFor(
      'late and replayed events',
      () => summary(),
      (s) => s.requests === EVENTS + 500,
      60_000,
      500,
    );
    // a repricing takes the events ingested by its own cut, LEDGER_SETTLE_MS back
    await new Promise((resolve) => setTimeout(resolve, config.ledger.settleMs + 500));

    // 4. a price correction between the first and second change, and the repricing of the month,
    //    cut short once after its second batch was written but not acknowledged
    const pricedEvents = stored.filter((e) => e.model === PRICED);
    const oldCost = costOf(pricedEvents);
    await setPrice(PRICED, Math.floor((changes[0] + changes[1]) / 2), '2.000000003', '7.25', '0.2', '3.1');
    const newCost = costOf(pricedEvents);
    expect(newCost).not.toBe(oldCost);
    const clickhouse = app.get(ClickHouseGateway);
    const insert = clickhouse.insertColumns.bind(clickhouse);
    let batches = 0;
    const spy = jest.spyOn(clickhouse, 'insertColumns').mockImplementation(async (table, ...rest) => {
      await insert(table, ...rest);
      if (table === 'cost_adjustments' && ++batches === 2) throw new Error('connection reset after the insert');
    });
    const cut = await reprice();
    spy.mockRestore();
    expect(cut.errors).toHaveLength(1);
    const completed = await reprice();
    expect(completed.errors).toBeUndefined();
    expect(completed.data!.repriceUsage).toMatchObject({
      events: pricedEvents.length,
      oldCost: fromAmountUnits(oldCost),
      newCost: fromAmountUnits(newCost),
      by: finance.id,
    });
    // each changed event has one delta row: the retried batches were dropped by their tokens
    const [{ rows, events }] = await clickhouse.query<{ rows: string; events: string }>(
      'SELECT count() AS rows, uniqExact(event_id) AS events FROM cost_adjustments',
    );
    expect(rows).toBe(events);
    // a second identical call changes nothing
    const idle = await reprice();
    expect(idle.data!.repriceUsage).toMatchObject({
      oldCost: fromAmountUnits(newCost),
      newCost: fromAmountUnits(newCost),
    });
    const [{ after }] = await clickhouse.query<{ after: string }>('SELECT count() AS after FROM cost_adjustments');
    expect(after).toBe(rows);

    // 5. every team: closed + restatements = current = usageSummary = the events priced here
    const final = expected();
    for (const team of teams) {
      const { data, errors } = await statement(team);
      expect(errors).toBeUndefined();
      const s = data!.statement;
      const restated = s.restatements.reduce((sum, r) => sum + toAmountUnits(r.amount), toAmountUnits(s.cost));
      const requests = s.restatements.reduce((sum, r) => sum + r.requests, s.requests);
      const usage = await summary([team]);
      expect({ team, restated: fromAmountUnits(restated), requests }).toEqual({
        team,
        restated: s.current,
        requests: usage.requests,
      });
      expect({ team, current: s.current, usage: usage.cost }).toEqual({
        team,
        current: fromAmountUnits(final.get(team)!.cost),
        usage: fromAmountUnits(final.get(team)!.cost),
      });
      expect(s.cost).toBe(fromAmountUnits(atClose.get(team)!.cost));
      for (const r of s.restatements) expect(r.cause).toMatch(/^(late events|DLQ replay|repricing) /);
      const lineItems = ['inputCost', 'outputCost', 'cacheReadCost', 'cacheWriteCost'].reduce(
        (sum, field) => sum + toAmountUnits(String(usage[field])),
        0n,
      );
      expect(fromAmountUnits(lineItems)).toBe(usage.cost);
    }
    const causes = (await Promise.all(teams.map((t) => statement(t)))).flatMap((r) => r.data!.statement.restatements);
    expect(new Set(causes.map((r) => r.cause.split(' ')[0]))).toEqual(new Set(['late', 'DLQ', 'repricing']));

    // a range with unaligned edges (read from raw, or the minute rollup within its 14 days) includes the repricing
    const correction = Math.floor((changes[0] + changes[1]) / 2);
    const edgeFrom = correction - 7_777;
    const edgeTo = changes[1] + 12_345;
    const edges = await graphql<{ usageSummary: { cost: string } }>(
      app,
      'query($f: UsageFilter!) { usageSummary(filter: $f) { cost } }',
      { f: { range: { from: new Date(edgeFrom).toISOString(), to: new Date(edgeTo).toISOString() } } },
      finance.token,
    );
    const inEdges = stored.filter((e) => Date.parse(e.occurred_at) >= edgeFrom && Date.parse(e.occurred_at) < edgeTo);
    expect(edges.data!.usageSummary.cost).toBe(fromAmountUnits(costOf(inEdges)));

    // a repriced call shows its new cost in the call log
    const moved = pricedEvents.find((e) => {
      const at = Date.parse(e.occurred_at);
      return at >= correction && at < changes[1] && e.output_tokens > 0;
    })!;
    const log = await graphql<{ callLog: { cost: string } }>(app, 'query($id: ID) { callLog(eventId: $id) { cost } }', {
      id: moved.event_id,
    });
    expect(log.data!.callLog.cost).toBe(fromAmountUnits(costOf([moved])));

    // others: a statement is its team's managers' and finance's
    const stranger = await createTestUser(app, 'stranger');
    expect((await statement(teams[0], stranger.token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await statement(teams[0], owner.token)).data!.statement.current).toBe(
      fromAmountUnits(final.get(teams[0])!.cost),
    );
  }, 180_000);

  it('refuses bad input with a specific error and writes nothing; the ledger is finance business', async () => {
    const runs = () => countRows('reprice_runs');
    const closes = () => countRows('period_closes');
    const [runsBefore, closesBefore] = [await runs(), await closes()];
    const repriceWith = async (vars: Record<string, string>, token = finance.token) => {
      const res = await graphql(
        app,
        'mutation($m: String!, $f: DateTime!, $t: DateTime!) { repriceUsage(model: $m, from: $f, to: $t) { id } }',
        { m: PRICED, f: new Date(start).toISOString(), t: new Date(end).toISOString(), ...vars },
        token,
      );
      return { code: res.errors?.[0].extensions?.code, message: res.errors?.[0].message };
    };
    expect(await repriceWith({ f: new Date(end).toISOString() })).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'from: must be before to',
    });
    expect(await repriceWith({ f: new Date(now - 91 * DAY).toISOString() })).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/^from: before raw retention/),
    });
    expect(await repriceWith({ m: 'no-such-model' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'model: no-such-model has no price to reprice with',
    });
    expect(await repriceWith({ m: '' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await repriceWith({}, owner.token)).toMatchObject({ code: 'FORBIDDEN' });

    const closeWith = async (p: string, timeZone?: string, token = finance.token) => {
      const res = await graphql(
        app,
        'mutation($p: String!, $z: String) { closePeriod(period: $p, timeZone: $z) }',
        {
          p,
          z: timeZone,
        },
        token,
      );
      return { code: res.errors?.[0].extensions?.code, message: res.errors?.[0].message };
    };
    const thisMonth = new Date(now).toISOString().slice(0, 7);
    expect(await closeWith(thisMonth)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: `period: ${thisMonth} has not ended yet`,
    });
    expect(await closeWith('2026-13')).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await closeWith('2024-01')).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/began before raw retention/),
    });
    expect(await closeWith(period, 'Mars/Olympus')).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await closeWith(period, 'UTC', owner.token)).toMatchObject({ code: 'FORBIDDEN' });

    const read = async (teamId: string, p: string) => {
      const res = await graphql(
        app,
        'query($t: ID!, $p: String!) { statement(teamId: $t, period: $p) { cost } }',
        {
          t: teamId,
          p,
        },
        finance.token,
      );
      return res.errors?.[0].extensions?.code;
    };
    expect(await read('not-a-uuid', period)).toBe('BAD_USER_INPUT');
    expect(await read('7d0c2f9e-4a1b-4c3d-9e8f-0a1b2c3d4e5f', period)).toBe('NOT_FOUND');
    expect(await read(teams[0], 'May 2026')).toBe('BAD_USER_INPUT');

    // an unfinished run of another model holds every other repricing back, naming it
    await app.get(DataSource).query(
      `INSERT INTO reprice_runs (model, from_at, to_at, as_of, prices, status, created_by)
       VALUES ('stuck-model', $1, $2, now(), '[]', 'RUNNING', $3)`,
      [new Date(start), new Date(end), finance.id],
    );
    expect(await repriceWith({})).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/^a repricing of stuck-model from .* has not finished/),
    });
    await app.get(DataSource).query(`DELETE FROM reprice_runs WHERE model = 'stuck-model'`);
    expect([await runs(), await closes()]).toEqual([runsBefore, closesBefore]);
  });

  async function countRows(table: string): Promise<number> {
    const [{ n }] = await app.get(DataSource).query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`);
    return Number(n);
  }

  /** What events cost with the price book as it stands, in units of 10^-15. */
  function costOf(events: CallEventV1[]): bigint {
    return events.reduce((sum, e) => {
      const price = priceIn(prices.get(e.model) ?? [], Date.parse(e.occurred_at));
      return sum + toAmountUnits(priceTokens(e, price, config.pricing.creditsPerUnit).cost);
    }, 0n);
  }
});
