/**
 * Key verification under load (not a test):
 *   npm run bench:verify -- [--connections 200] [--seconds 15]
 *
 * Starts the standalone app as a child, creates an admin, a team with a plan, a seat, a quota,
 * a key and budgets on the team and the key through the API, then runs autocannon against
 * POST /v1/keys/verify and prints requests/s, p50 and p99. Halfway through the load it revokes a
 * second key through GraphQL and prints how long verify kept accepting it.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildApp, freePort, runCli } from '../test/harness/child-app';
import { ensureLocalKafka } from './kafka';
import { REPO_ROOT } from '../test/harness/services';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

async function main() {
  await ensureLocalKafka();
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
    // e.g. BENCH_WORKER_NODE_OPTIONS="--require ./profiler-hook.js" to profile the app, as bench:ingest does
    ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
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
    // a second key, revoked through GraphQL halfway through the load while pollers ask about it
    const doomed = (
      await gql(`mutation { createApiKey(teamId: "${team}", name: "doomed") { secret apiKey { id } } }`, admin)
    ).createApiKey;
    const seconds = Number(arg('seconds', '15'));
    const [load, revocation] = await Promise.all([
      autocannon([
        '-c',
        arg('connections', '200'),
        '-d',
        String(seconds),
        '-m',
        'POST',
        '-H',
        `authorization=Bearer ${serviceToken}`,
        '-H',
        'content-type=application/json',
        '-b',
        JSON.stringify({ key: secret }),
        `${app.url}/v1/keys/verify`,
      ]),
      (async () => {
        await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
        return revocationDelay(app.url, serviceToken, doomed.secret, () =>
          gql(`mutation { revokeApiKey(apiKeyId: "${doomed.apiKey.id}") { id } }`, admin),
        );
      })(),
    ]);
    const { latency, requests, non2xx, errors } = load;
    process.stdout.write(
      `verify: ${requests.average.toFixed(0)} req/s, p50 ${latency.p50} ms, p99 ${latency.p99} ms ` +
        `(${arg('connections', '200')} connections, ${seconds} s, ${non2xx} non-2xx, ${errors} errors)\n` +
        `revocation: refused ${revocation.afterSent.toFixed(1)} ms after revokeApiKey was sent, ` +
        `${revocation.afterAnswer.toFixed(1)} ms after its answer (under the load above)\n`,
    );
  } finally {
    await app.stop('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface LoadResult {
  latency: { p50: number; p99: number };
  requests: { average: number };
  non2xx: number;
  errors: number;
}

/** autocannon in its own process (as the gateway would be), its result as JSON. */
function autocannon(cliArgs: string[]): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(REPO_ROOT, 'node_modules/.bin/autocannon'), ['-j', ...cliArgs], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`autocannon exited with ${code}`)),
    );
  });
}

/**
 * How long after a revocation verify refuses the key: four pollers ask about it back to back
 * from before the mutation is sent until one answer says `revoked`.
 */
async function revocationDelay(
  url: string,
  serviceToken: string,
  secret: string,
  revoke: () => Promise<unknown>,
): Promise<{ afterSent: number; afterAnswer: number }> {
  let refusedAt = 0;
  const poll = async () => {
    while (!refusedAt) {
      const res = await fetch(`${url}/v1/keys/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${serviceToken}` },
        body: JSON.stringify({ key: secret }),
      });
      const body = (await res.json()) as { reason: string };
      if (body.reason === 'revoked') refusedAt ||= performance.now();
    }
  };
  const pollers = Array.from({ length: 4 }, poll);
  await new Promise((r) => setTimeout(r, 200));
  const sentAt = performance.now();
  await revoke();
  const answeredAt = performance.now();
  await Promise.all(pollers);
  return { afterSent: refusedAt - sentAt, afterAnswer: Math.max(0, refusedAt - answeredAt) };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
