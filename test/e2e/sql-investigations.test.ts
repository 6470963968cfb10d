import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import type { AppConfig } from '@app/config';
import { createTestUser, startStandalone, TestUser } from '../harness/app';
import { makeEvent } from '../harness/events';
import { REPO_ROOT } from '../harness/services';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

/** The README's example investigations, in order: what the docs show is what is tested. */
function readmeInvestigations(): string[] {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Example investigations'));
  const end = section.indexOf('\n## ');
  return [...section.slice(0, end < 0 ? undefined : end).matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe('README example investigations, on seeded events', () => {
  let config: AppConfig;
  let app: INestApplication;
  let sre: TestUser;
  const team = randomUUID();
  const otherTeam = randomUUID();
  const [k1, k2, k3] = [randomUUID(), randomUUID(), randomUUID()];
  const queries = readmeInvestigations();

  beforeAll(async () => {
    config = isolatedConfig('sql_investigations');
    app = await startStandalone(config);
    sre = await createTestUser(app, 'sre', ['SRE']);
    // one instant two minutes ago: every event falls in the same hour and minute windows
    const at = new Date(Date.now() - 120_000).toISOString();
    const base = { occurred_at: at, input_tokens: 100, output_tokens: 50, cache_read_tokens: 0, cache_write_tokens: 0 };
    const failed = { status: 'error' as const, http_status: 500, error_code: 'upstream_error' };
    const events = [
      ...[100, 200, 300, 400].map((latency_ms) =>
        makeEvent({ ...base, team_id: team, api_key_id: k1, model: 'm-a', latency_ms, tags: ['batch', 'eu'] }),
      ),
      ...[1000, 2000, 3000].map((latency_ms, i) =>
        makeEvent({
          ...base,
          team_id: team,
          api_key_id: k2,
          model: 'm-b',
          latency_ms,
          tags: ['eu'],
          ...(i < 2 ? failed : {}),
        }),
      ),
      makeEvent({ ...base, team_id: otherTeam, api_key_id: k3, model: 'm-a', latency_ms: 5000, tags: [], ...failed }),
    ];
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send(events)
      .expect(202);
    await waitFor(
      'seeded events',
      () => run('SELECT count() FROM calls'),
      (rows) => rows[0]?.[0] === '8',
    );
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  async function run(query: string, params: Record<string, unknown> = {}): Promise<unknown[][]> {
    const res = await request(app.getHttpServer())
      .post('/v1/sql')
      .set('Authorization', `Bearer ${sre.token}`)
      .send({ query, params })
      .expect(200);
    return res.body.rows;
  }

  it('the README shows five investigations', () => {
    expect(queries).toHaveLength(5);
  });

  it('error spike by model', async () => {
    expect(await run(queries[0])).toEqual([
      ['m-b', '2', '3', 0.667],
      ['m-a', '1', '5', 0.2],
    ]);
  });

  it('slowest keys', async () => {
    expect(await run(queries[1], { min_requests: 2 })).toEqual([
      [k2, '3', 3000],
      [k1, '4', 400],
    ]);
  });

  it("a key's cost runaway", async () => {
    const rows = await run(queries[2], { key: k1 });
    expect(rows).toHaveLength(1);
    expect(rows[0][1]).toBe('4');
    expect(rows[0][2]).toMatch(/^\d+(\.\d+)?$/);
    expect(rows[0][3]).toBe('600');
  });

  it("one team's p95 by hour", async () => {
    const rows = await run(queries[3], { team });
    expect(rows.map((r) => [r[1], r[2]])).toEqual([['7', 3000]]);
  });

  it('usage by tag', async () => {
    const rows = await run(queries[4]);
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['eu', '7', '1050'],
      ['batch', '4', '600'],
    ]);
  });
});
