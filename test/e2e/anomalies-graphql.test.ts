import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AnomalyDetectorService, AnomalyIncidentEvent, AnomalyIncidents } from '@app/anomalies';
import { ClickHouseGateway } from '@app/clickhouse';
import type { AppConfig } from '@app/config';
import { createTestUser, graphql, startStandalone, TestUser } from '../harness/app';
import { dropDatabase, isolatedConfig, waitFor } from '../harness/test-env';

const MINUTE = 60_000;

const ANOMALIES = `query($filter: UsageFilter!, $status: String) {
  anomalies(filter: $filter, status: $status) {
    id metric dimension key label teamId startedAt endedAt expected observed score peak peakScore direction status
    annotations { at type summary }
  }
}`;

interface Anomaly {
  id: string;
  metric: string;
  dimension: string | null;
  key: string | null;
  teamId: string | null;
  status: string;
  direction: string;
  expected: number;
  observed: number;
  annotations: { at: string; type: string; summary: string }[];
}

/**
 * The detector in the running service, driven by hand (its loop is off): events straight into
 * the engine, a run to warm up, a run that sees an error step; then who reads which incident
 * through `anomalies`, with the team events that explain it, the port's events, and /metrics.
 */
describe('anomalies: detector runs, incidents and who sees them', () => {
  let config: AppConfig;
  let app: INestApplication;
  let sre: TestUser;
  let owner: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let finance: TestUser;
  let teamId: string;
  let otherTeamId: string;
  let apiKeyId: string;
  const published: AnomalyIncidentEvent[] = [];
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;

  /** `perMinute` calls of one key in each minute of [from, to), the given share failing. */
  async function calls(from: number, to: number, perMinute: number, errorShare: number): Promise<void> {
    const ch = app.get(ClickHouseGateway);
    await ch.command(
      `INSERT INTO call_events (event_id, occurred_at, team_id, user_id, api_key_id, service, model, model_type, source,
         input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, ttft_ms, status, http_status,
         tags, cost, credits, price_id, priced, kafka_partition, kafka_offset)
       SELECT toString(generateUUIDv4(number)), fromUnixTimestamp64Milli(toInt64({from:Int64} + number * {step:Int64})),
         {team:UUID}, {user:UUID}, {key:UUID}, 'chat', 'anomaly-model', 'text', 'business', 500, 100, 0, 0,
         300 + number % 7 * 10, 80 + number % 5, if(number % {perMinute:UInt32} < {failing:UInt32}, 'error', 'success'),
         200, [], toDecimal128(0.001, 15), toDecimal128(0.1, 15), 'p', true, 0, number
       FROM numbers({n:UInt64})`,
      {
        params: {
          from,
          step: Math.floor(MINUTE / perMinute),
          team: teamId,
          user: member.id,
          key: apiKeyId,
          perMinute,
          failing: Math.round(perMinute * errorShare),
          n: ((to - from) / MINUTE) * perMinute,
        },
      },
    );
  }

  beforeAll(async () => {
    config = isolatedConfig('anomalies_graphql', {
      ANOMALY_DETECTOR_INTERVAL_MS: '0',
      ANOMALY_DETECTOR_LAG_MINUTES: '0',
    });
    app = await startStandalone(config);
    app.get(AnomalyIncidents).events$.subscribe((e) => published.push(e));
    sre = await createTestUser(app, 'sre', ['SRE']);
    finance = await createTestUser(app, 'fin', ['FINANCE']);
    owner = await createTestUser(app, 'owner');
    member = await createTestUser(app, 'member');
    outsider = await createTestUser(app, 'outsider');
    const created = await graphql<{ createTeam: { id: string } }>(
      app,
      'mutation { createTeam(name: "anomalous") { id } }',
      {},
      owner.token,
    );
    teamId = created.data!.createTeam.id;
    const other = await graphql<{ createTeam: { id: string } }>(
      app,
      'mutation { createTeam(name: "elsewhere") { id } }',
      {},
      outsider.token,
    );
    otherTeamId = other.data!.createTeam.id;
    const invited = await graphql<{ inviteMember: { token: string } }>(
      app,
      'mutation($t: ID!, $u: String!) { inviteMember(teamId: $t, usernameOrEmail: $u, role: MEMBER) { token } }',
      { t: teamId, u: (await userName(member)) ?? '' },
      owner.token,
    );
    await graphql(
      app,
      'mutation($k: String!) { acceptInvitation(token: $k) { role } }',
      {
        k: invited.data!.inviteMember.token,
      },
      member.token,
    );
    // the member's key: created now, so its ApiKeyCreated event falls in the incident's hour before
    const key = await graphql<{ createApiKey: { apiKey: { id: string } } }>(
      app,
      'mutation($t: ID!) { createApiKey(teamId: $t, name: "batch") { apiKey { id } } }',
      { t: teamId },
      member.token,
    );
    apiKeyId = key.data!.createApiKey.apiKey.id;
    await waitFor(
      'the ApiKeyCreated event in the engine',
      () =>
        app
          .get(ClickHouseGateway)
          .query<{ n: string }>(`SELECT count() AS n FROM team_events WHERE type = 'ApiKeyCreated'`),
      (rows) => Number(rows[0].n) === 1,
    );
    // an hour of 20 calls a minute with 1 error, then 5 minutes with half of them failing
    await calls(now - 65 * MINUTE, now - 5 * MINUTE, 20, 0.05);
    await calls(now - 5 * MINUTE, now, 20, 0.5);
    const detector = app.get(AnomalyDetectorService);
    expect(await detector.runAt(now - 5 * MINUTE)).toMatchObject({ warmedUp: true, judged: 0 });
    const run = await detector.runAt(now);
    expect(run).toMatchObject({ warmedUp: false, judged: 5 });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  async function userName(user: TestUser): Promise<string | undefined> {
    const res = await graphql<{ me: { username: string } }>(app, '{ me { username } }', {}, user.token);
    return res.data?.me.username;
  }

  const lastHour = { range: { preset: 'LAST_1_DAY' } };
  const read = (token: string, filter: object = lastHour, status?: string) =>
    graphql<{ anomalies: Anomaly[] }>(app, ANOMALIES, { filter, status }, token);
  const named = (list: Anomaly[]) => list.map((a) => `${a.metric} ${a.dimension ?? 'PLATFORM'}`).sort();

  it('opens error-rate incidents on the key, its team, its model and the platform, once', async () => {
    const { data, errors } = await read(sre.token, lastHour, 'OPEN');
    expect(errors).toBeUndefined();
    expect(named(data!.anomalies)).toEqual([
      'ERROR_RATE API_KEY',
      'ERROR_RATE MODEL',
      'ERROR_RATE PLATFORM',
      'ERROR_RATE TEAM',
    ]);
    const team = data!.anomalies.find((a) => a.dimension === 'TEAM')!;
    expect(team).toMatchObject({ key: teamId, teamId, direction: 'SPIKE', status: 'OPEN' });
    expect(team.expected).toBeCloseTo(0.05, 2);
    expect(team.observed).toBeCloseTo(0.5, 2);
    // the port published each stored incident once
    expect(published.map((e) => `${e.kind} ${e.anomaly.metric} ${e.anomaly.dimension ?? 'PLATFORM'}`).sort()).toEqual([
      'opened ERROR_RATE API_KEY',
      'opened ERROR_RATE MODEL',
      'opened ERROR_RATE PLATFORM',
      'opened ERROR_RATE TEAM',
    ]);
  });

  it('annotates a team incident with the team events of its window and the hour before', async () => {
    const { data } = await read(owner.token);
    const team = data!.anomalies.find((a) => a.dimension === 'TEAM')!;
    expect(team.annotations).toEqual([
      expect.objectContaining({ type: 'ApiKeyCreated', summary: `API key ${apiKeyId} created (batch)` }),
    ]);
  });

  it("shows a team's OWNER the team's and its keys' incidents, not the platform's or the model's", async () => {
    const { data, errors } = await read(owner.token);
    expect(errors).toBeUndefined();
    expect(named(data!.anomalies)).toEqual(['ERROR_RATE API_KEY', 'ERROR_RATE TEAM']);
  });

  it('shows a MEMBER the incidents of their own key only', async () => {
    const { data } = await read(member.token);
    expect(named(data!.anomalies)).toEqual(['ERROR_RATE API_KEY']);
  });

  it("refuses another team's incidents to an outsider and FINANCE sees no operational incident", async () => {
    const forbidden = await read(outsider.token, { ...lastHour, teamIds: [teamId] });
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await read(outsider.token, { ...lastHour, teamIds: [otherTeamId] })).data!.anomalies).toEqual([]);
    expect((await read(finance.token)).data!.anomalies).toEqual([]);
  });

  it('refuses a bad status and filters it cannot apply, by name', async () => {
    expect((await read(sre.token, lastHour, 'MAYBE')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const byUser = await read(sre.token, { ...lastHour, userIds: [randomUUID()] });
    expect(byUser.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(byUser.errors?.[0].message).toContain('userIds');
  });

  it('narrows by key and by status', async () => {
    const byKey = await read(sre.token, { ...lastHour, apiKeyIds: [apiKeyId] });
    expect(named(byKey.data!.anomalies)).toEqual(['ERROR_RATE API_KEY']);
    expect((await read(sre.token, lastHour, 'RESOLVED')).data!.anomalies).toEqual([]);
  });

  it('resolves after enough good minutes, publishing each resolution once', async () => {
    await calls(now, now + 6 * MINUTE, 20, 0.05);
    const detector = app.get(AnomalyDetectorService);
    await detector.runAt(now + 6 * MINUTE);
    // a repeated run of the same minutes changes nothing
    await detector.runAt(now + 6 * MINUTE);
    const { data } = await read(sre.token, lastHour, 'RESOLVED');
    expect(data!.anomalies).toHaveLength(4);
    expect(data!.anomalies.every((a) => a.status === 'RESOLVED')).toBe(true);
    expect(published.filter((e) => e.kind === 'resolved')).toHaveLength(4);
    expect((await read(sre.token, lastHour, 'OPEN')).data!.anomalies).toEqual([]);
  });

  it('reports its runs and incidents on /metrics', async () => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.text).toMatch(/anomaly_detector_run_seconds_count \d+/);
    expect(res.text).toContain('anomaly_incidents_opened_total{metric="ERROR_RATE",dimension="TEAM"} 1');
    expect(res.text).toContain('anomaly_incidents_resolved_total{metric="ERROR_RATE",dimension="API_KEY"} 1');
    expect(res.text).toMatch(/anomaly_incidents_open 0/);
  });
});
