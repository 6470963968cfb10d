import type { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import request from 'supertest';
import type { AppConfig } from '@app/config';
import { ClickHouseGateway } from '@app/clickhouse';
import { createKafka } from '@app/kafka';
import { platformAdminToken, startStandalone } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, topicEnd, waitFor } from '../harness/test-env';

/** Only the model gateway may state usage: POST /v1/events takes service tokens, not a person's. */
describe('event authority: POST /v1/events', () => {
  const outgoing = `gateway-old-${randomBytes(12).toString('hex')}`;
  const incoming = `gateway-new-${randomBytes(12).toString('hex')}`;
  let config: AppConfig;
  let app: INestApplication;
  let kafka: Kafka;
  let adminToken: string;

  beforeAll(async () => {
    // two tokens at once, as during a rotation; SERVICE_TOKEN unset
    config = isolatedConfig('event_authority', { SERVICE_TOKEN: undefined, SERVICE_TOKENS: `${outgoing},${incoming}` });
    expect(config.auth.serviceTokens).toEqual([outgoing, incoming]);
    app = await startStandalone(config);
    kafka = createKafka(config.kafka, '-authority-test');
    adminToken = await platformAdminToken(app);
  });

  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  const post = (body: unknown, token?: string) => {
    const req = request(app.getHttpServer()).post('/v1/events').set('Content-Type', 'application/json');
    return (token ? req.set('Authorization', `Bearer ${token}`) : req).send(JSON.stringify(body));
  };

  async function rowsOfTeam(teamId: string): Promise<number> {
    const [row] = await app
      .get(ClickHouseGateway)
      .query<{ n: string }>('SELECT count() AS n FROM call_events WHERE team_id = {team:UUID}', {
        params: { team: teamId },
      });
    return Number(row.n);
  }

  it("refuses a person's token with 403 FORBIDDEN and writes nothing, even a platform admin's", async () => {
    expect(adminToken).toMatch(/^uat_/);
    const teamId = randomUUID();
    const before = await topicEnd(kafka, config.kafka.callsTopic);
    const res = await post([makeEvent({ team_id: teamId })], adminToken);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: { code: 'FORBIDDEN', message: "this route is for the gateway's service tokens" },
    });

    // a marker from the gateway for the same team, sent after: once it is counted, the refused
    // event would have been too had it reached Kafka
    const marker = makeEvent({ team_id: teamId });
    expect((await post([marker], incoming)).status).toBe(202);
    await waitFor(
      'the marker event in ClickHouse',
      () => rowsOfTeam(teamId),
      (n) => n >= 1,
      60_000,
      250,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await rowsOfTeam(teamId)).toBe(1);
    expect(await topicEnd(kafka, config.kafka.callsTopic)).toBe(before + 1);
  });

  it('accepts each of the two rotated service tokens with 202', async () => {
    const teamId = randomUUID();
    for (const token of [outgoing, incoming]) {
      const res = await post([makeEvent({ team_id: teamId })], token);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ accepted: 1, rejected: [] });
    }
    await waitFor(
      'both events in ClickHouse',
      () => rowsOfTeam(teamId),
      (n) => n >= 2,
      60_000,
      250,
    );
    expect(await rowsOfTeam(teamId)).toBe(2);
  });

  it('answers 401 without a token or with an unknown one, and writes nothing', async () => {
    const before = await topicEnd(kafka, config.kafka.callsTopic);
    const anonymous = await post([makeEvent()]);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    const unknown = await post([makeEvent()], `${incoming}-revoked`);
    expect(unknown.status).toBe(401);
    expect(await topicEnd(kafka, config.kafka.callsTopic)).toBe(before);
  });
});
