/**
 * Key verification under load (not a test):
 *   npm run bench:verify -- [--connections 200] [--seconds 15]
 *
 * Starts the standalone app as a child, creates an admin, a team with a plan, a seat, a quota,
 * a key and budgets on the team and the key through the API, then runs autocannon against
 * POST /v1/keys/verify and prints its latency table (p50, p99) and requests/s.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildApp, freePort, runCli } from '../test/harness/child-app';
import { REPO_ROOT } from '../test/harness/services';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

async function main() {
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/kafka.sh'), 'start'], { stdio: 'inherit' });
  const id = `bench_verify_${Date.now()}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-verify-'));
  const serviceToken = `bench-${randomUUID()}`;
  const env: Record<string, string> = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${id}`,
    KAFKA_CALLS_TOPIC: `calls.v1.${id}`,
    KAFKA_TEAM_EVENTS_TOPIC: `team-events.v1.${id}`,
    KAFKA_CONSUMER_GROUP: `ingest.${id}`,
    CLICKHOUSE_PATH: dataDir,
    SERVICE_TOKEN: serviceToken,
    LOG_LEVEL: 'warn',
  };
  await runCli(env, 'migrate');
  const admin = /access token \(shown once, store it now\): (\S+)/.exec(
    await runCli(env, 'bootstrap', '--username', 'bench_admin', '--email', 'bench@example.com'),
  )![1];
  const app = new ChildApp('apps/standalone/src/main.ts', env, await freePort());
  await app.start();
  const gql = async (query: string, token: string) => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data: Record<string, any>; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  try {
    const team = (await gql('mutation { createTeam(name: "bench") { id } }', admin)).createTeam.id;
    const me = (await gql('{ me { id } }', admin)).me.id;
    const plan = (
      await gql(
        `mutation { createPlan(teamId: "${team}", name: "p", seats: 5, endsAt:
          "${new Date(Date.now() + 86_400_000).toISOString()}") { id } }`,
        admin,
      )
    ).createPlan.id;
    await gql(`mutation { assignSeat(planId: "${plan}", userId: "${me}") { id } }`, admin);
    await gql(
      `mutation { setQuota(teamId: "${team}", userId: "${me}", unit: "TOKENS", period: "DAY", limit: 1000000000) { id
        } }`,
      admin,
    );
    const created = (
      await gql(`mutation { createApiKey(teamId: "${team}", name: "bench") { secret apiKey { id } } }`, admin)
    ).createApiKey;
    const secret = created.secret;
    // verify answers the tightest budget: both are read on every call (spend cached briefly)
    await gql(`mutation { setBudget(teamId: "${team}", amount: "1000", period: MONTH) { id } }`, admin);
    await gql(
      `mutation { setBudget(teamId: "${team}", apiKeyId: "${created.apiKey.id}", amount: "10", period: DAY) { id } }`,
      admin,
    );
    // autocannon prints its latency and throughput tables on stderr
    execFileSync(
      path.join(REPO_ROOT, 'node_modules/.bin/autocannon'),
      [
        '-c',
        arg('connections', '200'),
        '-d',
        arg('seconds', '15'),
        '-m',
        'POST',
        '-H',
        `authorization=Bearer ${serviceToken}`,
        '-H',
        'content-type=application/json',
        '-b',
        JSON.stringify({ key: secret }),
        `${app.url}/v1/keys/verify`,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
  } finally {
    await app.stop('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
