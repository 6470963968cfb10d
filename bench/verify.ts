/**
 * Key verification under load (not a test):
 *   npm run bench:verify -- [--connections 200] [--seconds 15]
 *
 * Starts the standalone app as a child, creates an admin, a team with a plan, a seat, a quota,
 * a key and budgets on the team and the key through the API, then loads POST /v1/keys/verify and
 * prints requests/s, p50 and p99. Halfway through the load it revokes a second key through GraphQL
 * and prints how long verify kept accepting it.
 *
 * The load comes from wrk when it is on the PATH (`apt-get install wrk`), else from autocannon
 * (`--client autocannon` asks for it). On these 2 cores the load generator takes its CPU from the
 * server: autocannon, in Node, took about as much as the server; wrk, in C, leaves it more.
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
    const client = arg('client', onPath('wrk') ? 'wrk' : 'autocannon');
    const request = { url: `${app.url}/v1/keys/verify`, serviceToken, body: JSON.stringify({ key: secret }) };
    const connections = Number(arg('connections', '200'));
    const [load, revocation] = await Promise.all([
      client === 'wrk' ? wrk(request, connections, seconds) : autocannon(request, connections, seconds),
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
        `(${connections} connections, ${seconds} s, ${client}, ${non2xx} non-2xx, ${errors} errors)\n` +
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

interface LoadRequest {
  url: string;
  serviceToken: string;
  body: string;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, command)));
}

/** A load generator in its own process (as the gateway would be): what it printed on stdout. */
function run(command: string, cliArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, cliArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}`))));
  });
}

async function autocannon(request: LoadRequest, connections: number, seconds: number): Promise<LoadResult> {
  const out = await run(path.join(REPO_ROOT, 'node_modules/.bin/autocannon'), [
    '-j',
    ...['-c', String(connections), '-d', String(seconds), '-m', 'POST'],
    ...['-H', `authorization=Bearer ${request.serviceToken}`, '-H', 'content-type=application/json'],
    ...['-b', request.body, request.url],
  ]);
  return JSON.parse(out) as LoadResult;
}

/** wrk with a Lua script for the POST (its only way to send a body), read from its --latency report. */
async function wrk(request: LoadRequest, connections: number, seconds: number): Promise<LoadResult> {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-wrk-')), 'verify.lua');
  fs.writeFileSync(
    script,
    [
      'wrk.method = "POST"',
      `wrk.body = ${JSON.stringify(request.body)}`,
      'wrk.headers["Content-Type"] = "application/json"',
      `wrk.headers["Authorization"] = ${JSON.stringify(`Bearer ${request.serviceToken}`)}`,
    ].join('\n'),
  );
  try {
    // one thread per core the machine has left after the server's
    const threads = Math.max(1, os.availableParallelism() - 1);
    const out = await run('wrk', [
      ...['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`],
      ...['--latency', '-s', script, request.url],
    ]);
    return parseWrk(out);
  } finally {
    fs.rmSync(path.dirname(script), { recursive: true, force: true });
  }
}

/** wrk prints latencies with their unit (`812.00us`, `4.21ms`, `1.02s`). */
function wrkMs(text: string): number {
  const [, value, unit] = /^([\d.]+)(us|ms|s|m)$/.exec(text) ?? [];
  if (value === undefined) throw new Error(`not a wrk latency: ${text}`);
  return Number(value) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit as 'us' | 'ms' | 's' | 'm'];
}

function parseWrk(out: string): LoadResult {
  const percentile = (p: number) => {
    const match = new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out);
    if (!match) throw new Error(`wrk printed no ${p}% latency:\n${out}`);
    return wrkMs(match[1]);
  };
  const rate = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  if (!rate) throw new Error(`wrk printed no Requests/sec:\n${out}`);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    latency: { p50: percentile(50), p99: percentile(99) },
    requests: { average: Number(rate[1]) },
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    errors: socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
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
