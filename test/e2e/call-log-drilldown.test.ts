import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ClickHouseGateway } from '@app/clickhouse';
import type { AppConfig } from '@app/config';
import type { CallEventV1 } from '@app/ingest';
import { graphql, platformAdminToken, startStandalone } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';
import { buildTwoTeams, TwoTeams } from '../security/two-teams';

type Order = 'OCCURRED_AT' | 'LATENCY' | 'TTFT' | 'COST' | 'TOTAL_TOKENS';
const ORDERS: Order[] = ['OCCURRED_AT', 'LATENCY', 'TTFT', 'COST', 'TOTAL_TOKENS'];
const MODEL = 'drill-model';

const LIST = `query($f: UsageFilter!, $o: CallLogOrder, $d: Boolean, $a: String, $n: Int, $r: String, $h: [Int!],
  $e: [String!]) { callLogs(filter: $f, orderBy: $o, descending: $d, first: $n, after: $a, requestId: $r,
  httpStatuses: $h, errorCodes: $e) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { eventId
  cost } } } }`;
const ONE = `query($e: ID, $r: String) { callLog(eventId: $e, requestId: $r) { eventId teamId userId requestId } }`;

/** A decimal's text as an integer of 10^-15 units: costs compare exactly. */
function units(decimal: string): bigint {
  const [whole, fraction = ''] = decimal.split('.');
  const sign = whole.startsWith('-') ? -1n : 1n;
  return sign * (BigInt(whole.replace('-', '')) * 10n ** 15n + BigInt(fraction.padEnd(15, '0')));
}

/**
 * Call logs in every order, both ways, over events with many equal values (three events per
 * millisecond, four latencies, calls without a time to first token, nine calls alike but for
 * their id), the cursor's checks, the new filters, the one-call lookup and who sees it, and the
 * CSV export of the same list.
 */
describe('call log drill-down', () => {
  let config: AppConfig;
  let app: INestApplication;
  let world: TwoTeams;
  let drill: CallEventV1[];
  let crossA: CallEventV1;
  let crossB: CallEventV1;
  const costs = new Map<string, string>();
  const filter = () => ({ range: { preset: 'LAST_1_DAY' }, teamIds: [world.a.id], tags: ['drill'] });

  async function ask<T = Record<string, any>>(query: string, variables: Record<string, unknown>, token?: string) {
    const res = await graphql<T>(app, query, variables, token ?? world.sre.token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  }
  const codeOf = async (query: string, variables: Record<string, unknown>, token?: string) =>
    (await graphql(app, query, variables, token ?? world.sre.token)).errors?.map((e) => e.extensions?.code);

  beforeAll(async () => {
    config = isolatedConfig('call_log_drilldown');
    app = await startStandalone(config);
    const pricedAt = Date.now();
    await ask(
      `mutation { setModelPrice(model: "${MODEL}", effectiveFrom: "2026-01-01T00:00:00Z", inputPerMillion: "1.5",
        outputPerMillion: "7.25") { id } }`,
      {},
      await platformAdminToken(app),
    );
    world = await buildTwoTeams(app);
    // the price book reloads every 10 s: events sent after that are priced (distinct costs to sort)
    await new Promise((r) => setTimeout(r, Math.max(0, pricedAt + 11_000 - Date.now())));
    const base = Date.now() - 30 * 60_000;
    const people = [world.ownerA, world.memberA, world.shared];
    drill = Array.from({ length: 60 }, (_, i): CallEventV1 => {
      const failure =
        i % 6 === 0
          ? { status: 'error' as const, http_status: 500, error_code: 'upstream_error' }
          : i % 6 === 1
            ? { status: 'error' as const, http_status: 429, error_code: 'rate_limited' }
            : { status: 'success' as const, http_status: 200, error_code: null };
      return makeEvent({
        team_id: world.a.id,
        user_id: people[i % 3].id,
        api_key_id: world.a.keyIds[i % 3],
        model: MODEL,
        // three events per millisecond: ties in time too
        occurred_at: new Date(base - Math.floor(i / 3) * 1000).toISOString(),
        latency_ms: 100 * ((i % 4) + 1),
        ttft_ms: i % 5 === 0 ? null : 10 * (i % 3),
        input_tokens: 100 * (i % 3),
        output_tokens: 50 * (i % 2),
        reasoning_tokens: 0,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        tags: ['drill'],
        // a retried request: two events under one gateway request id
        request_id: `req-${Math.floor(i / 2)}`,
        ...failure,
      });
    });
    // nine calls alike in every sort value and in time: only the event id orders them, across pages
    drill.push(
      ...Array.from({ length: 9 }, (_, i) =>
        makeEvent({
          ...drill[2],
          event_id: randomUUID(),
          occurred_at: new Date(base + 1000).toISOString(),
          latency_ms: 300,
          ttft_ms: 20,
          input_tokens: 100,
          output_tokens: 50,
          request_id: `req-alike-${i}`,
          status: 'success',
          http_status: 200,
          error_code: null,
        }),
      ),
    );
    crossA = makeEvent({
      team_id: world.a.id,
      user_id: world.memberA.id,
      api_key_id: world.a.keyIds[1],
      occurred_at: new Date(base - 5 * 60_000).toISOString(),
      request_id: 'req-cross',
    });
    crossB = makeEvent({
      team_id: world.b.id,
      user_id: world.memberB.id,
      api_key_id: world.b.keyIds[1],
      occurred_at: new Date(base - 60_000).toISOString(),
      request_id: 'req-cross',
    });
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send([...drill, crossA, crossB])
      .expect(202);
    const all = await waitFor(
      'the drill events',
      async () => (await ask(LIST, { f: filter(), n: 500 })).callLogs,
      (c) => c.edges.length === drill.length,
    );
    for (const e of all.edges) costs.set(e.node.eventId, e.node.cost);
    await waitFor(
      'the cross-team events',
      async () => (await ask(ONE, { r: 'req-cross' })).callLog,
      (c) => c?.eventId === crossB.event_id,
    );
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  /** The order callLogs must follow: the sort value, then time, then event id, all one way; no TTFT last. */
  function expected(events: CallEventV1[], order: Order, descending: boolean): string[] {
    const value = (e: CallEventV1): bigint => {
      switch (order) {
        case 'OCCURRED_AT':
          return 0n;
        case 'LATENCY':
          return BigInt(e.latency_ms);
        case 'TTFT':
          return e.ttft_ms === null || e.ttft_ms === undefined ? (descending ? -1n : 2n ** 32n) : BigInt(e.ttft_ms);
        case 'COST':
          return units(costs.get(e.event_id)!);
        case 'TOTAL_TOKENS':
          return BigInt(e.input_tokens + e.output_tokens);
      }
    };
    const sign = descending ? -1 : 1;
    const compare = (x: CallEventV1, y: CallEventV1) => {
      const [vx, vy] = [value(x), value(y)];
      if (vx !== vy) return vx < vy ? -sign : sign;
      const [tx, ty] = [Date.parse(x.occurred_at), Date.parse(y.occurred_at)];
      if (tx !== ty) return (tx - ty) * sign;
      return x.event_id < y.event_id ? -sign : sign;
    };
    return [...events].sort(compare).map((e) => e.event_id);
  }

  async function pageThrough(order: Order, descending: boolean, extra: Record<string, unknown> = {}) {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = (await ask(LIST, { f: filter(), o: order, d: descending, n: 7, a: after, ...extra })).callLogs;
      seen.push(...page.edges.map((e: any) => e.node.eventId));
      pages += 1;
      if (!page.pageInfo.hasNextPage) return { seen, pages, totalCount: page.totalCount };
      after = page.pageInfo.endCursor;
    }
  }

  it('the events hold the ties the paging must survive', () => {
    const distinct = (f: (e: CallEventV1) => unknown) => new Set(drill.map(f)).size;
    expect(distinct((e) => e.occurred_at)).toBe(21);
    expect(distinct((e) => e.latency_ms)).toBe(4);
    expect(drill.filter((e) => e.occurred_at === drill[60].occurred_at && e.latency_ms === 300)).toHaveLength(9);
    expect(drill.filter((e) => e.ttft_ms === null)).toHaveLength(12);
    // priced: the costs differ, and many are equal
    expect(new Set(costs.values()).size).toBeGreaterThan(1);
    expect(new Set(costs.values()).size).toBeLessThan(drill.length);
  });

  it.each(ORDERS.flatMap((o) => [true, false].map((d) => [o, d] as const)))(
    'orderBy %s descending %s: every row once, in order, page after page',
    async (order, descending) => {
      const { seen, pages, totalCount } = await pageThrough(order, descending);
      expect(totalCount).toBe(drill.length);
      expect(pages).toBe(Math.ceil(drill.length / 7));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expected(drill, order, descending));
    },
  );

  it('refuses a cursor under another order, direction or filter, and an edited one', async () => {
    const first = (await ask(LIST, { f: filter(), o: 'LATENCY', d: true, n: 5 })).callLogs;
    const cursor: string = first.pageInfo.endCursor;
    expect(await codeOf(LIST, { f: filter(), o: 'LATENCY', d: true, n: 5, a: cursor })).toBeUndefined();
    expect(await codeOf(LIST, { f: filter(), o: 'TTFT', d: true, n: 5, a: cursor })).toEqual(['BAD_USER_INPUT']);
    expect(await codeOf(LIST, { f: filter(), o: 'LATENCY', d: false, n: 5, a: cursor })).toEqual(['BAD_USER_INPUT']);
    const narrower = { f: filter(), o: 'LATENCY', d: true, n: 5, a: cursor, h: [200] };
    expect(await codeOf(LIST, narrower)).toEqual(['BAD_USER_INPUT']);
    const otherTeam = { ...filter(), teamIds: [world.a.id, world.b.id] };
    expect(await codeOf(LIST, { f: otherTeam, o: 'LATENCY', d: true, n: 5, a: cursor })).toEqual(['BAD_USER_INPUT']);
    // the position edited (a later row), the signature kept: refused as a whole
    const [body, mac] = cursor.split('.');
    const [fingerprint, [, ms, id]] = JSON.parse(Buffer.from(body, 'base64url').toString());
    const edited = Buffer.from(JSON.stringify([fingerprint, ['1', ms, id]])).toString('base64url');
    for (const bad of [`${edited}.${mac}`, `${body}.${mac.slice(0, -2)}AA`, body, 'x', `${body}.${mac}.x`]) {
      expect(await codeOf(LIST, { f: filter(), o: 'LATENCY', d: true, n: 5, a: bad })).toEqual(['BAD_USER_INPUT']);
    }
    // the cursors of before (unsigned [ms, event id]) are refused too
    const legacy = Buffer.from(JSON.stringify([ms, id])).toString('base64url');
    expect(await codeOf(LIST, { f: filter(), n: 5, a: legacy })).toEqual(['BAD_USER_INPUT']);
  });

  it('filters by request id, HTTP status and error code, counting raw rows', async () => {
    const retried = (await ask(LIST, { f: filter(), n: 50, r: 'req-7' })).callLogs;
    expect(retried.totalCount).toBe(2);
    expect(retried.edges.map((e: any) => e.node.eventId).sort()).toEqual(
      drill
        .filter((e) => e.request_id === 'req-7')
        .map((e) => e.event_id)
        .sort(),
    );
    const failed = await pageThrough('LATENCY', false, { h: [429, 500] });
    expect(failed.seen).toEqual(
      expected(
        drill.filter((e) => e.http_status === 429 || e.http_status === 500),
        'LATENCY',
        false,
      ),
    );
    expect(failed.totalCount).toBe(20);
    const limited = (await ask(LIST, { f: filter(), n: 50, e: ['rate_limited'], h: [429, 500] })).callLogs;
    expect(limited.totalCount).toBe(10);
    expect(limited.edges.map((e: any) => e.node.eventId)).toEqual(
      expected(
        drill.filter((e) => e.error_code === 'rate_limited'),
        'OCCURRED_AT',
        true,
      ),
    );
    expect((await ask(LIST, { f: filter(), n: 5, r: 'no-such-request' })).callLogs.totalCount).toBe(0);
    for (const bad of [{ h: [99] }, { h: [600] }, { r: '' }, { r: 'x'.repeat(129) }, { e: ['x'.repeat(129)] }]) {
      expect(await codeOf(LIST, { f: filter(), n: 5, ...bad })).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('callLog: by event id, or the newest call of a request id; exactly one of them', async () => {
    const one = drill[13];
    expect((await ask(ONE, { e: one.event_id })).callLog).toEqual({
      eventId: one.event_id,
      teamId: world.a.id,
      userId: one.user_id,
      requestId: one.request_id,
    });
    // req-k is drill[2k] and drill[2k+1]; the newest (then the greater event id) is the one returned
    for (const k of [0, 1, 4, 29]) {
      const [newest] = expected(drill.slice(2 * k, 2 * k + 2), 'OCCURRED_AT', true);
      expect((await ask(ONE, { r: `req-${k}` })).callLog.eventId).toBe(newest);
    }
    // the engine reads a lookup through the bloom filter index of its column (no time bound to prune by)
    for (const [column, index] of [
      ['event_id', 'idx_event_id'],
      ['request_id', 'idx_request_id'],
    ]) {
      const plan = await app
        .get(ClickHouseGateway)
        .query<{ explain: string }>(
          `EXPLAIN indexes = 1 SELECT event_id FROM call_events WHERE ${column} = {v:String}`,
          {
            params: { v: 'req-1' },
          },
        );
      expect(plan.map((r) => r.explain.trim())).toEqual(expect.arrayContaining([`Name: ${index}`]));
    }
    expect((await ask(ONE, { e: '00000000-0000-4000-8000-000000000000' })).callLog).toBeNull();
    expect((await ask(ONE, { r: 'no-such-request' })).callLog).toBeNull();
    for (const bad of [{}, { e: one.event_id, r: 'req-1' }, { e: 'not-an-id' }, { r: '' }, { r: 'x'.repeat(129) }]) {
      expect(await codeOf(ONE, bad)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('callLog answers only what callLogs would show the caller, null otherwise (existence does not leak)', async () => {
    const { sre, finance, outsider, ownerA, memberA, shared, ownerB, memberB } = world;
    const byRequest = async (token: string) => (await ask(ONE, { r: 'req-cross' }, token)).callLog?.eventId ?? null;
    // the newest call of the request id among those each caller may read
    expect(await byRequest(sre.token)).toBe(crossB.event_id);
    expect(await byRequest(ownerB.token)).toBe(crossB.event_id);
    expect(await byRequest(memberB.token)).toBe(crossB.event_id);
    expect(await byRequest(shared.token)).toBe(crossB.event_id); // ADMIN of team B
    expect(await byRequest(ownerA.token)).toBe(crossA.event_id);
    expect(await byRequest(memberA.token)).toBe(crossA.event_id); // their own call
    expect(await byRequest(finance.token)).toBeNull(); // aggregates only, no raw calls
    expect(await byRequest(outsider.token)).toBeNull();

    const byEvent = async (eventId: string, token: string) =>
      (await ask(ONE, { e: eventId }, token)).callLog?.eventId ?? null;
    const ofOwnerA = drill[0];
    expect(ofOwnerA.user_id).toBe(ownerA.id);
    const visible: Array<[string, CallEventV1, boolean]> = [
      ['sre', crossA, true],
      ['ownerA', crossA, true],
      ['memberA', crossA, true],
      ['shared', crossA, false], // a MEMBER of team A: not another member's call
      ['ownerB', crossA, false],
      ['memberB', crossA, false],
      ['finance', crossA, false],
      ['outsider', crossA, false],
      ['memberA', ofOwnerA, false],
      ['ownerA', crossB, false],
      ['shared', crossB, true],
    ];
    for (const [who, event, sees] of visible) {
      const token = (world as unknown as Record<string, { token: string }>)[who].token;
      expect([who, event.event_id, await byEvent(event.event_id, token)]).toEqual([
        who,
        event.event_id,
        sees ? event.event_id : null,
      ]);
    }
    // the same refusals as callLogs for the list: FORBIDDEN there, as before
    const theirs = { range: { preset: 'LAST_1_DAY' }, teamIds: [world.b.id] };
    expect(await codeOf(LIST, { f: theirs, n: 5 }, ownerA.token)).toEqual(['FORBIDDEN']);
  });

  it('GET /v1/exports/calls.csv lists what callLogs lists, in its order, with its filters', async () => {
    const csv = (query: string, token = world.sre.token) =>
      request(app.getHttpServer()).get(`/v1/exports/calls.csv?${query}`).set('Authorization', `Bearer ${token}`);
    const res = await csv(
      `preset=LAST_1_DAY&teamIds=${world.a.id}&tags=drill&orderBy=TTFT&descending=false&httpStatuses=200,429`,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const [header, ...lines] = res.text.trim().split('\n');
    const columns = header.split(',');
    expect(columns.slice(0, 3)).toEqual(['event_id', 'occurred_at', 'team_id']);
    const cell = (line: string, name: string) => line.split(',')[columns.indexOf(name)];
    const wanted = drill.filter((e) => e.http_status === 200 || e.http_status === 429);
    expect(lines.map((l) => cell(l, 'event_id'))).toEqual(expected(wanted, 'TTFT', false));
    for (const l of lines) expect(cell(l, 'cost')).toBe(costs.get(cell(l, 'event_id')));

    // a member's export without team ids: their own calls only, as callLogs scopes it
    const mine = await csv(`preset=LAST_1_DAY&tags=drill&orderBy=LATENCY&requestId=req-0`, world.memberA.token);
    expect(mine.status).toBe(200);
    const own = drill.filter((e) => e.request_id === 'req-0' && e.user_id === world.memberA.id);
    expect(
      mine.text
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => cell(l, 'event_id')),
    ).toEqual(own.map((e) => e.event_id));

    for (const bad of [
      'preset=LAST_1_DAY&orderBy=NAME',
      'preset=LAST_1_DAY&httpStatuses=700',
      'preset=LAST_1_DAY&teamIds=x',
      'preset=LAST_1_DAY&descending=yes',
    ]) {
      const refused = await csv(bad);
      expect([bad, refused.status, refused.body.error?.code]).toEqual([bad, 400, 'BAD_USER_INPUT']);
    }
    const forbidden = await csv(`preset=LAST_1_DAY&teamIds=${world.b.id}`, world.ownerA.token);
    expect(forbidden.status).toBe(403);
  });
});
