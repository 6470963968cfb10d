/**
 * Times ad hoc SQL through the service's runner (checker, team filter, limits, audit stubbed):
 *
 *   npm run bench:query -- --events 1000000 --postgres-events 0 --data DIR   (loads the engine once)
 *   npm run bench:sql -- --data DIR [--runs 20]
 *
 * Reports the median and the slowest run of one team's hourly p95 latency over 7 days, read from
 * `calls` (exact, per hour over every model) and from `usage_hourly` (per model, from the rollup).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RateLimits, type Principal } from '@app/auth';
import { ClickHouseGateway } from '@app/clickhouse';
import { loadConfig } from '@app/config';
import type { MembershipReader } from '@app/teams';
import { SqlRunner } from '../apps/api/src/sql/sql-runner';
import type { SqlStore } from '../apps/api/src/sql/sql-store';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const RUNS = Number(arg('runs', '20'));
const DATA = arg('data', '');
// the bench's busiest team (team 0 of its power law)
const TEAM = '00000000-0000-4000-8000-000000000000';

const QUERIES: Array<[string, string]> = [
  [
    'calls: team p95 by hour, 7 days',
    `SELECT toStartOfHour(occurred_at) AS hour, count() AS requests, quantile(0.95)(latency_ms) AS p95_ms
     FROM calls WHERE occurred_at >= {now:DateTime64(3)} - INTERVAL 7 DAY GROUP BY hour ORDER BY hour`,
  ],
  [
    'usage_hourly: p95 by hour and model, 7 days',
    `SELECT hour, model, requests, latency_p95_ms FROM usage_hourly
     WHERE hour >= toStartOfHour({now:DateTime64(3)} - INTERVAL 7 DAY) ORDER BY hour, model`,
  ],
];

async function main(): Promise<void> {
  if (!DATA) throw new Error('--data DIR: an engine loaded by bench:query');
  const marker = fs.readFileSync(path.join(path.resolve(DATA), 'loaded.json'), 'utf8');
  const loaded = JSON.parse(marker) as { events: number; now: number };
  const clickhouse = await ClickHouseGateway.connect({
    mode: 'embedded',
    path: path.join(path.resolve(DATA), 'ch'),
    database: 'bench',
  });
  const noAudit = { audit: async () => undefined } as unknown as SqlStore;
  const runner = new SqlRunner(clickhouse, {} as MembershipReader, new RateLimits(loadConfig()), noAudit);
  const sre: Principal = { kind: 'user', userId: '00000000-0000-4000-b000-000000000000', platformRoles: ['SRE'] };
  const now = new Date(loaded.now).toISOString().replace('T', ' ').replace('Z', '');
  process.stdout.write(`${loaded.events} events; team ${TEAM}; ${RUNS} runs each\n`);
  for (const [name, query] of QUERIES) {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      const answer = await runner.run(sre, {}, { query, params: { now }, teamId: TEAM, maxRows: 10_000 });
      times.push(answer.elapsedMs);
      rows = answer.rows.length;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    process.stdout.write(`${name}: ${rows} rows, median ${median.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms\n`);
  }
  await clickhouse.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
