import type { INestApplication } from '@nestjs/common';
import Decimal from 'decimal.js';
import { randomInt, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { AppConfig } from '@app/config';
import type { CallEventV1 } from '@app/ingest';
import { createTestUser, graphql, platformAdminToken, startStandalone, TestUser } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

/**
 * What the reference pages need of the usage API (issue 18): filter drop-downs, a breakdown row's
 * team and credits, sorting by name, the trend's "others" series, CONCURRENCY and the members-of
 * filter, through GraphQL on events that went through Kafka, each answer checked against the events.
 */
describe('usage API for the reference pages', () => {
  let config: AppConfig;
  let app: INestApplication;
  let admin: string;
  let ownerA: TestUser;
  let memberA: TestUser;
  let shared: TestUser;
  let ownerB: TestUser;
  let teamA: { id: string; name: string };
  let teamB: { id: string; name: string };
  const names = new Map<string, string>();
  // made calls in team A without being (or staying) a member of it
  const stranger = randomUUID();
  const MODEL = `priced-${randomUUID().slice(0, 8)}`;
  const PRICE = { input: '1.5', output: '7.25' };
  let events: CallEventV1[] = [];
  // a team without a Postgres row, for the cap of the trend: 55 models, the n-th with n calls
  const wide = randomUUID();
  const wideEvents = Array.from({ length: 55 }, (_, m) =>
    Array.from({ length: m + 1 }, (_, i) =>
      makeEvent({
        team_id: wide,
        model: `model-${String(m + 1).padStart(2, '0')}`,
        occurred_at: new Date(Date.now() - 60_000 - ((m * 7 + i * 13) % 300) * 60_000).toISOString(),
      }),
    ),
  ).flat();
  // a hand-drawn case for CONCURRENCY, in minutes from a whole minute three hours ago
  const calm = randomUUID();
  const base = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;
  const flights: Array<[service: string, startSeconds: number, seconds: number]> = [
    ['a', -30, 90], // in flight when the range starts, ends at 60 s
    ['a', 10, 20],
    ['b', 20, 50],
    ['b', 60, 10], // starts when the first ends: the two are never in flight together
    ['b', 100, 80], // ends on minute 3's first instant: not in flight in it
    ['a', 150, 200], // spans minutes 2 to 4 and past the range's end
    ['b', 240, 30],
  ];
  const calmEvents = flights.map(([service, start, seconds]) =>
    makeEvent({
      team_id: calm,
      service,
      occurred_at: new Date(base + start * 1000).toISOString(),
      latency_ms: seconds * 1000,
    }),
  );

  // random calls on a 100 ms grid (many share an instant), some from before the range, some spanning minutes
  const busy = randomUUID();
  const busyBase = Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000;
  const busyEvents = Array.from({ length: 300 }, () =>
    makeEvent({
      team_id: busy,
      occurred_at: new Date(busyBase - 120_000 + randomInt(0, 7_200) * 100).toISOString(),
      latency_ms: randomInt(0, 1_500) * 100,
    }),
  );

  async function ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string) {
    const res = await graphql<T>(app, query, variables, token ?? admin);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  }
  const codeOf = async (query: string, variables: Record<string, unknown>, token?: string) =>
    (await graphql(app, query, variables, token ?? admin)).errors?.map((e) => e.extensions?.code);

  async function team(label: string, owner: TestUser, members: TestUser[]) {
    const name = `${label} ${Date.now().toString(36)}`;
    const { createTeam } = await ok(
      `mutation($n: String!) { createTeam(name: $n) { id name } }`,
      { n: name },
      owner.token,
    );
    for (const member of members) {
      const invite = `mutation($t: ID!, $u: String!) { inviteMember(teamId: $t, usernameOrEmail: $u, role: MEMBER) {
        token } }`;
      const { inviteMember } = await ok(invite, { t: createTeam.id, u: names.get(member.id) }, owner.token);
      await ok(
        'mutation($k: String!) { acceptInvitation(token: $k) { role } }',
        { k: inviteMember.token },
        member.token,
      );
    }
    return createTeam as { id: string; name: string };
  }

  beforeAll(async () => {
    config = isolatedConfig('usage_pages_api');
    app = await startStandalone(config);
    admin = await platformAdminToken(app);
    const pricedAt = Date.now();
    await ok(
      `mutation($m: String!) { setModelPrice(model: $m, effectiveFrom: "2026-01-01T00:00:00Z",
        inputPerMillion: "${PRICE.input}", outputPerMillion: "${PRICE.output}") { id } }`,
      { m: MODEL },
    );
    // usernames with upper and lower case: searches and the order by name ignore case
    [ownerA, memberA, shared, ownerB] = await Promise.all(
      ['Zed_owner', 'amy_member', 'Mid_shared', 'bob_owner'].map((p) => createTestUser(app, p)),
    );
    for (const user of [ownerA, memberA, shared, ownerB]) {
      names.set(user.id, (await ok('{ me { username } }', {}, user.token)).me.username);
    }
    teamA = await team('alpha', ownerA, [memberA, shared]);
    teamB = await team('bravo', ownerB, [shared]);
    const calls = (n: number, user: string, teamId: string | null, extra: Partial<CallEventV1> = {}) =>
      Array.from({ length: n }, (_, i) =>
        makeEvent({
          team_id: teamId,
          user_id: user,
          model: MODEL,
          service: i % 2 ? 'chat' : 'embed',
          occurred_at: new Date(Date.now() - 120_000 - i * 60_000).toISOString(),
          ...extra,
        }),
      );
    events = [
      ...calls(9, ownerA.id, teamA.id),
      ...calls(7, memberA.id, teamA.id),
      ...calls(3, memberA.id, null),
      ...calls(5, shared.id, teamA.id),
      ...calls(4, shared.id, teamB.id),
      ...calls(6, ownerB.id, teamB.id),
      ...calls(2, stranger, teamA.id),
      ...calls(1, stranger, teamB.id),
    ];
    // the price book reloads every 10 s: events sent after that are priced
    await new Promise((r) => setTimeout(r, Math.max(0, pricedAt + 11_000 - Date.now())));
    for (const batch of [events, wideEvents, calmEvents, busyEvents]) {
      await request(app.getHttpServer())
        .post('/v1/events')
        .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
        .send(batch)
        .expect(202);
    }
    const total = events.length + wideEvents.length + calmEvents.length + busyEvents.length;
    await waitFor(
      `${total} events`,
      async () =>
        (await ok(`{ usageSummary(filter: { range: { preset: LAST_1_DAY } }) { requests } }`)).usageSummary.requests,
      (n) => n === total,
    );
  });
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  const day = (extra: Record<string, unknown> = {}) => ({ range: { preset: 'LAST_1_DAY' }, ...extra });
  const countBy = (list: CallEventV1[], key: (e: CallEventV1) => string) => {
    const counts = new Map<string, number>();
    for (const e of list) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
    return counts;
  };
  const VALUES = `query($f: UsageFilter!, $d: UsageDimension!, $s: String, $n: Int) {
    usageDimensionValues(filter: $f, dimension: $d, search: $s, first: $n) { key label } }`;

  describe('usageDimensionValues', () => {
    it('lists the values present in the filtered range, most used first, labelled from the directory', async () => {
      const { usageDimensionValues } = await ok(VALUES, { f: day({ teamIds: [teamA.id] }), d: 'USER' });
      const inA = countBy(
        events.filter((e) => e.team_id === teamA.id),
        (e) => e.user_id,
      );
      const expected = [...inA.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
      expect(usageDimensionValues.map((v: any) => v.key)).toEqual(expected);
      for (const v of usageDimensionValues) expect(v.label).toBe(names.get(v.key) ?? v.key);
      const top = await ok(VALUES, { f: day({ teamIds: [teamA.id] }), d: 'USER', n: 1 });
      expect(top.usageDimensionValues.map((v: any) => v.key)).toEqual([ownerA.id]);
    });

    it('search matches key or label, case-insensitively', async () => {
      const byLabel = await ok(VALUES, { f: day({ teamIds: [teamA.id] }), d: 'USER', s: 'AMY_MEM' });
      expect(byLabel.usageDimensionValues).toEqual([{ key: memberA.id, label: names.get(memberA.id) }]);
      const byKey = await ok(VALUES, { f: day({ teamIds: [teamA.id] }), d: 'USER', s: stranger.slice(0, 13) });
      expect(byKey.usageDimensionValues).toEqual([{ key: stranger, label: stranger }]);
      const teams = await ok(VALUES, { f: day(), d: 'TEAM', s: teamB.name.toUpperCase() });
      expect(teams.usageDimensionValues).toEqual([{ key: teamB.id, label: teamB.name }]);
      const none = await ok(VALUES, { f: day({ teamIds: [teamA.id] }), d: 'SERVICE', s: 'nothing-like-it' });
      expect(none.usageDimensionValues).toEqual([]);
    });

    it('shows a member only the values of their own usage, and refuses what they may not see', async () => {
      const users = await ok(VALUES, { f: day(), d: 'USER' }, memberA.token);
      expect(users.usageDimensionValues).toEqual([{ key: memberA.id, label: names.get(memberA.id) }]);
      const teams = await ok(VALUES, { f: day(), d: 'TEAM' }, memberA.token);
      expect(teams.usageDimensionValues).toEqual([
        { key: teamA.id, label: teamA.name },
        { key: '00000000-0000-0000-0000-000000000000', label: 'Personal space' },
      ]);
      expect(await codeOf(VALUES, { f: day({ teamIds: [teamA.id] }), d: 'USER' }, memberA.token)).toEqual([
        'FORBIDDEN',
      ]);
      expect(await codeOf(VALUES, { f: day({ teamIds: [teamB.id] }), d: 'USER' }, ownerA.token)).toEqual(['FORBIDDEN']);
      // the owner of B sees B's users, not those of A
      const inB = await ok(VALUES, { f: day({ teamIds: [teamB.id] }), d: 'USER' }, ownerB.token);
      expect(inB.usageDimensionValues.map((v: any) => v.key).sort()).toEqual([ownerB.id, shared.id, stranger].sort());
      expect(await codeOf(VALUES, { f: day(), d: 'USER', n: 0 })).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('usageBreakdown', () => {
    const BREAKDOWN = `query($f: UsageFilter!, $v: UsageDimension!, $byName: Boolean, $d: Boolean, $n: Int,
      $a: String) { usageBreakdown(filter: $f, view: $v, orderByName: $byName, descending: $d, first: $n, after: $a) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { key label requests cost credits team { id name } } } } }`;

    it('gives each row its credits, exactly, and the team all of its usage was made in', async () => {
      const { usageBreakdown } = await ok(BREAKDOWN, { f: day({ models: [MODEL] }), v: 'USER', n: 50 });
      const rows = new Map<string, any>(usageBreakdown.edges.map((e: any) => [e.node.key, e.node]));
      const priced = events.filter((e) => e.model === MODEL);
      for (const user of [ownerA.id, memberA.id, shared.id, ownerB.id, stranger]) {
        const theirs = priced.filter((e) => e.user_id === user);
        // credits = cost x 100; cache tokens without a price of their own are priced as input
        const credits = theirs.reduce(
          (sum, e) =>
            sum.plus(
              new Decimal(e.input_tokens).times(PRICE.input).plus(new Decimal(e.output_tokens).times(PRICE.output)),
            ),
          new Decimal(0),
        );
        expect({ user, requests: rows.get(user).requests, credits: rows.get(user).credits }).toEqual({
          user,
          requests: theirs.length,
          credits: credits.div(1_000_000).times(100).toFixed(),
        });
      }
      expect(new Decimal(rows.get(ownerA.id).credits).gt(0)).toBe(true);
      // one team: A; A and the personal space, A and B: none
      expect(rows.get(ownerA.id).team).toEqual(teamA);
      expect(rows.get(ownerB.id).team).toEqual(teamB);
      expect(rows.get(memberA.id).team).toBeNull();
      expect(rows.get(shared.id).team).toBeNull();
      expect(rows.get(stranger).team).toBeNull();
      // filtered to one team, every row is that team's
      const inB = await ok(BREAKDOWN, { f: day({ teamIds: [teamB.id] }), v: 'USER', n: 50 });
      expect(inB.usageBreakdown.edges.map((e: any) => e.node.team)).toEqual([teamB, teamB, teamB]);
      const byTeam = await ok(BREAKDOWN, { f: day({ models: [MODEL] }), v: 'TEAM', n: 50 });
      const teamOf = new Map(byTeam.usageBreakdown.edges.map((e: any) => [e.node.key, e.node.team]));
      expect(teamOf).toEqual(
        new Map<string, unknown>([
          [teamA.id, teamA],
          [teamB.id, teamB],
          ['00000000-0000-0000-0000-000000000000', null],
        ]),
      );
    });

    it('sorts by name, case-insensitively, either way, across pages', async () => {
      const f = day({ teamIds: [teamA.id] });
      const labels = [ownerA.id, memberA.id, shared.id].map((u) => names.get(u)!).concat(stranger);
      const ascending = [...labels].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      const first = (await ok(BREAKDOWN, { f, v: 'USER', byName: true, d: false, n: 3 })).usageBreakdown;
      expect(first.totalCount).toBe(4);
      const rest = (await ok(BREAKDOWN, { f, v: 'USER', byName: true, d: false, n: 3, a: first.pageInfo.endCursor }))
        .usageBreakdown;
      expect([...first.edges, ...rest.edges].map((e: any) => e.node.label)).toEqual(ascending);
      const down = (await ok(BREAKDOWN, { f, v: 'USER', byName: true, d: true, n: 10 })).usageBreakdown;
      expect(down.edges.map((e: any) => e.node.label)).toEqual([...ascending].reverse());
    });
  });

  describe('usageTrend', () => {
    it('sums the series beyond the cap of 50 into one "others" series', async () => {
      const q = `query($f: UsageFilter!) { usageTrend(filter: $f, granularity: HOUR, metrics: [REQUESTS, INPUT_TOKENS,
        SUCCESS_RATE], splitBy: MODEL) { metric key label points { t value } max } }`;
      const { usageTrend } = await ok(q, { f: day({ teamIds: [wide] }) });
      const requests = usageTrend.filter((s: any) => s.metric === 'REQUESTS');
      expect(requests).toHaveLength(51);
      // the 50 most used are models 55 down to 06; models 01 to 05 make the rest
      const kept = Array.from({ length: 50 }, (_, i) => `model-${String(55 - i).padStart(2, '0')}`);
      expect(requests.slice(0, 50).map((s: any) => s.key)).toEqual(kept);
      const others = requests[50];
      expect(others).toMatchObject({ key: '__others__', label: 'Others (5)' });
      const rest = wideEvents.filter((e) => !kept.includes(e.model));
      const hourOf = (e: CallEventV1) => new Date(Math.floor(Date.parse(e.occurred_at) / 3_600_000) * 3_600_000);
      const perHour = (pick: (e: CallEventV1) => number) => {
        const sums = new Map<string, number>();
        for (const e of rest) sums.set(hourOf(e).toISOString(), (sums.get(hourOf(e).toISOString()) ?? 0) + pick(e));
        return sums;
      };
      const drawn = (s: any) => new Map(s.points.filter((p: any) => p.value).map((p: any) => [p.t, p.value]));
      expect(drawn(others)).toEqual(perHour(() => 1));
      const tokens = usageTrend.find((s: any) => s.metric === 'INPUT_TOKENS' && s.key === '__others__');
      expect(drawn(tokens)).toEqual(perHour((e) => e.input_tokens));
      const rate = usageTrend.find((s: any) => s.metric === 'SUCCESS_RATE' && s.key === '__others__');
      expect(rate.max).toBe(1);
      // without a split, or within the cap, there is no such series
      const fewer = await ok(q, { f: day({ teamIds: [wide], models: kept.slice(0, 10) }) });
      expect(fewer.usageTrend.some((s: any) => s.key === '__others__')).toBe(false);
    });

    it('CONCURRENCY: the most calls in flight per bucket, by hand', async () => {
      const q = `query($f: UsageFilter!, $s: UsageDimension) { usageTrend(filter: $f, granularity: MINUTE,
        metrics: [CONCURRENCY, REQUESTS], splitBy: $s) { metric key points { t value } max } }`;
      const f = { range: { from: new Date(base).toISOString(), to: new Date(base + 5 * 60_000).toISOString() } };
      const whole = (await ok(q, { f: { ...f, teamIds: [calm] } })).usageTrend;
      const peaks = whole.find((s: any) => s.metric === 'CONCURRENCY');
      expect(peaks.points.map((p: any) => p.t)).toEqual(
        [0, 1, 2, 3, 4].map((m) => new Date(base + m * 60_000).toISOString()),
      );
      // 0: three at 20-30 s; 1: the second pair (one ends as the other starts); 2: the one from 100 s and the
      // one from 150 s; 3: the first ended on its start, the other carries on with no change; 4: joined at 240 s
      expect(peaks.points.map((p: any) => p.value)).toEqual([3, 2, 2, 1, 2]);
      expect(peaks.max).toBe(3);
      const split = (await ok(q, { f: { ...f, teamIds: [calm] }, s: 'SERVICE' })).usageTrend;
      const byService = (key: string) =>
        split.find((s: any) => s.metric === 'CONCURRENCY' && s.key === key).points.map((p: any) => p.value);
      expect(byService('a')).toEqual([2, 0, 1, 1, 1]);
      expect(byService('b')).toEqual([1, 2, 1, 0, 1]);
      // a peak is not a total: rankings and breakdowns refuse it
      const ranking = `query($f: UsageFilter!) { usageRanking(filter: $f, dimension: SERVICE, metric: CONCURRENCY) {
        key } }`;
      expect(await codeOf(ranking, { f: { ...f, teamIds: [calm] } })).toEqual(['BAD_USER_INPUT']);
      const long = `{ usageTrend(filter: { range: { from: "${new Date(Date.now() - 95 * 86_400_000).toISOString()}",
        to: "${new Date(Date.now() - 80 * 86_400_000).toISOString()}" } }, granularity: DAY, metrics: [CONCURRENCY]) {
        key } }`;
      expect(await codeOf(long, {})).toEqual(['BAD_USER_INPUT']);
    });
  });

  it('CONCURRENCY equals the most calls in flight at any instant of each bucket, counted call by call', async () => {
    const q = `query($f: UsageFilter!) { usageTrend(filter: $f, granularity: MINUTE, metrics: [CONCURRENCY]) {
      points { t value } } }`;
    const from = busyBase;
    const to = busyBase + 10 * 60_000;
    const f = { range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, teamIds: [busy] };
    const [series] = (await ok(q, { f })).usageTrend;
    const calls = busyEvents.map((e) => ({
      start: Date.parse(e.occurred_at),
      end: Date.parse(e.occurred_at) + e.latency_ms,
    }));
    const inFlight = (at: number) => calls.filter((c) => c.start <= at && at < c.end).length;
    // within a bucket the count rises only when a call starts: its peak is at its start or at one of them
    const expected = Array.from({ length: 10 }, (_, m) => {
      const b = from + m * 60_000;
      const instants = [b, ...calls.map((c) => c.start).filter((s) => s >= b && s < b + 60_000)];
      return Math.max(...instants.map(inFlight));
    });
    expect(series.points.map((p: any) => p.value)).toEqual(expected);
    expect(Math.max(...expected)).toBeGreaterThan(3);
  });

  describe('UsageFilter.memberOfTeamIds', () => {
    const SUMMARY = `query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }`;
    const USERS = `query($f: UsageFilter!) { usageBreakdown(filter: $f, view: USER, first: 50) { edges { node { key
      requests } } } }`;
    const usersOf = async (f: Record<string, unknown>, token?: string) =>
      new Map((await ok(USERS, { f }, token)).usageBreakdown.edges.map((e: any) => [e.node.key, e.node.requests]));

    it("means the calls of the team's members now, wherever made; teamIds the calls made in the team", async () => {
      const membersOfB = new Set([ownerB.id, shared.id]);
      const theirs = events.filter((e) => membersOfB.has(e.user_id));
      expect(await usersOf(day({ memberOfTeamIds: [teamB.id] }))).toEqual(countBy(theirs, (e) => e.user_id));
      const inB = events.filter((e) => e.team_id === teamB.id);
      expect(await usersOf(day({ teamIds: [teamB.id] }))).toEqual(countBy(inB, (e) => e.user_id));
      // both: the members' calls made in that team (the stranger's call in B is left out)
      const both = (await ok(SUMMARY, { f: day({ teamIds: [teamB.id], memberOfTeamIds: [teamB.id] }) })).usageSummary;
      expect(both.requests).toBe(inB.filter((e) => membersOfB.has(e.user_id)).length);
      // with userIds: those of them who are members
      const narrowed = await usersOf(day({ memberOfTeamIds: [teamB.id], userIds: [shared.id, memberA.id] }));
      expect(narrowed).toEqual(
        countBy(
          events.filter((e) => e.user_id === shared.id),
          (e) => e.user_id,
        ),
      );
    });

    it("gives an OWNER their team's members' calls in the teams they manage, and refuses the rest", async () => {
      const membersOfA = new Set([ownerA.id, memberA.id, shared.id]);
      const expected = events.filter((e) => membersOfA.has(e.user_id) && e.team_id === teamA.id);
      expect(await usersOf(day({ memberOfTeamIds: [teamA.id] }), ownerA.token)).toEqual(
        countBy(expected, (e) => e.user_id),
      );
      expect(await codeOf(SUMMARY, { f: day({ memberOfTeamIds: [teamB.id] }) }, ownerA.token)).toEqual(['FORBIDDEN']);
      expect(await codeOf(SUMMARY, { f: day({ memberOfTeamIds: [teamA.id] }) }, memberA.token)).toEqual(['FORBIDDEN']);
      expect(await codeOf(SUMMARY, { f: day({ memberOfTeamIds: [teamA.id], userIds: [ownerB.id] }) })).toEqual([
        'BAD_USER_INPUT',
      ]);
      expect(await codeOf(SUMMARY, { f: day({ memberOfTeamIds: ['not-a-uuid'] }) })).toEqual(['BAD_USER_INPUT']);
    });
  });

  // last: it changes team A's membership
  describe('after a member leaves', () => {
    it("a row's team the caller may no longer read is null, not a failed page", async () => {
      await ok('mutation($t: ID!) { leaveTeam(teamId: $t) }', { t: teamA.id }, memberA.token);
      const q = `query($f: UsageFilter!) { usageBreakdown(filter: $f, view: TEAM) { edges { node { key requests
        team { id } } } } }`;
      const res = await graphql<any>(app, q, { f: day() }, memberA.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.usageBreakdown.edges.map((e: any) => e.node)).toEqual([
        { key: teamA.id, requests: 7, team: null },
        { key: '00000000-0000-0000-0000-000000000000', requests: 3, team: null },
      ]);
      const owner = await ok(q, { f: day({ teamIds: [teamA.id] }) }, ownerA.token);
      expect(owner.usageBreakdown.edges.map((e: any) => e.node.team)).toEqual([{ id: teamA.id }]);
    });
  });
});
