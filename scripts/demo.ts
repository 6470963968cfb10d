/**
 * `npm run demo`: a demo organisation made through the public API of a running service
 * (`npm start`), then realistic traffic sent through the real pipeline (POST /v1/events with the
 * service token → Kafka → ClickHouse) until Ctrl-C: a daily cycle, about 4 % errors, and one key
 * whose cost spikes for five minutes of every quarter hour. Prints the URL and a token to sign in.
 *
 * The first platform ADMIN comes from `cli bootstrap` on an empty database, or from
 * DEMO_ADMIN_TOKEN; the demo's tokens are kept in .data/demo.json (this user only) for later runs.
 */
import { execFileSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const URL_BASE = process.env.DEMO_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const STATE_FILE = path.join(ROOT, '.data/demo.json');
const BACKFILL_DAYS = Number(process.env.DEMO_BACKFILL_DAYS ?? 3);
/** calls a second at the daily peak, in the history and the stream alike */
const PEAK_RATE = Number(process.env.DEMO_RATE ?? 1);

const MODELS = [
  { model: 'deepseek-r1-distill-llama-70b', type: 'text', price: ['0.60', '2.40'] },
  { model: 'cltech/deepseek-r1-32b', type: 'text', price: ['0.30', '1.20'] },
  { model: 'glm-5', type: 'text', price: ['1.00', '3.20'] },
  { model: 'kimi-k2.5', type: 'text', price: ['0.80', '3.00'] },
  { model: 'text-embedding-3', type: 'embedding', price: ['0.02', '0.00'] },
];
const SERVICES = ['chat-completions', 'batch-inference', 'embeddings'];
const PEOPLE = [
  { username: 'alice', team: 'Research', role: 'OWNER' },
  { username: 'bob', team: 'Research', role: 'ADMIN' },
  { username: 'carol', team: 'Research', role: 'MEMBER' },
  { username: 'dave', team: 'Support', role: 'MEMBER' },
  { username: 'erin', team: 'Support', role: 'MEMBER' },
];

interface DemoKey {
  id: string;
  teamId: string;
  userId: string;
  spikes: boolean;
}
interface DemoState {
  ownerToken: string;
  keys: DemoKey[];
  /** the past days were sent (a run stopped before that sends them again) */
  backfilled?: boolean;
}

async function gql<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${URL_BASE}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`${query.slice(0, 60)}…: ${body.errors[0].message}`);
  return body.data!;
}

function serviceToken(): string {
  const fromEnv = process.env.SERVICE_TOKEN ?? process.env.SERVICE_TOKENS?.split(',')[0];
  if (fromEnv) return fromEnv.trim();
  return fs.readFileSync(path.join(ROOT, '.data/service-token'), 'utf8').trim();
}

function adminToken(): string {
  if (process.env.DEMO_ADMIN_TOKEN) return process.env.DEMO_ADMIN_TOKEN;
  const out = execFileSync('bash', ['scripts/run-compiled.sh', 'cli', 'bootstrap', '--username', 'demo_admin'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const token = /access token[^:]*: (\S+)/.exec(out)?.[1];
  if (!token) throw new Error('cli bootstrap printed no token: set DEMO_ADMIN_TOKEN to a platform ADMIN token');
  return token;
}

async function createOrganisation(): Promise<DemoState> {
  const admin = adminToken();
  const suffix = randomUUID().slice(0, 4);
  for (const m of MODELS) {
    await gql(
      admin,
      `mutation($m: String!, $i: String!, $o: String!) {
        setModelPrice(model: $m, effectiveFrom: "2020-01-01T00:00:00Z", inputPerMillion: $i, outputPerMillion: $o) { id } }`,
      { m: m.model, i: m.price[0], o: m.price[1] },
    );
  }
  const users: Record<string, { id: string; token: string }> = {};
  for (const p of PEOPLE) {
    const username = `${p.username}_${suffix}`;
    const { createUser } = await gql<{ createUser: { user: { id: string }; accessToken: string } }>(
      admin,
      `mutation($u: String!, $e: String!) { createUser(username: $u, email: $e) { user { id } accessToken } }`,
      { u: username, e: `${username}@demo.example` },
    );
    users[p.username] = { id: createUser.user.id, token: createUser.accessToken };
  }
  const owner = users.alice.token;
  const teams: Record<string, string> = {};
  for (const name of ['Research', 'Support']) {
    const { createTeam } = await gql<{ createTeam: { id: string } }>(
      owner,
      `mutation($n: String!) { createTeam(name: $n) { id } }`,
      { n: `${name} ${suffix}` },
    );
    teams[name] = createTeam.id;
  }
  for (const p of PEOPLE.filter((x) => x.role !== 'OWNER')) {
    const { inviteMember } = await gql<{ inviteMember: { token: string } }>(
      owner,
      `mutation($t: ID!, $u: String!, $r: TeamRole!) { inviteMember(teamId: $t, usernameOrEmail: $u, role: $r) { token } }`,
      { t: teams[p.team], u: `${p.username}_${suffix}`, r: p.role },
    );
    await gql(users[p.username].token, `mutation($k: String!) { acceptInvitation(token: $k) { role } }`, {
      k: inviteMember.token,
    });
  }
  const keys: DemoKey[] = [];
  for (const p of PEOPLE) {
    const { createApiKey } = await gql<{ createApiKey: { apiKey: { id: string } } }>(
      users[p.username].token,
      `mutation($t: ID, $n: String!) { createApiKey(teamId: $t, name: $n) { apiKey { id } } }`,
      { t: teams[p.team], n: `${p.username}-${p.team.toLowerCase()}` },
    );
    keys.push({
      id: createApiKey.apiKey.id,
      teamId: teams[p.team],
      userId: users[p.username].id,
      spikes: p.username === 'carol',
    });
  }
  const endsAt = new Date(Date.now() + 90 * 86_400_000).toISOString();
  const { createPlan } = await gql<{ createPlan: { id: string } }>(
    owner,
    `mutation($t: ID!, $e: DateTime!) { createPlan(teamId: $t, name: "Token Plan (Team)", seats: 5, endsAt: $e) { id } }`,
    { t: teams.Research, e: endsAt },
  );
  for (const who of ['bob', 'carol']) {
    await gql(owner, `mutation($p: ID!, $u: ID!) { assignSeat(planId: $p, userId: $u) { id } }`, {
      p: createPlan.id,
      u: users[who].id,
    });
  }
  await gql(
    owner,
    `mutation($t: ID!, $u: ID!) { setQuota(teamId: $t, userId: $u, unit: "TOKENS", period: "DAY", limit: 5000000) { id } }`,
    { t: teams.Research, u: users.alice.id },
  );
  return { ownerToken: owner, keys };
}

/** Calls per second at this moment of the day: quiet at night, a peak mid-afternoon (UTC). */
function dailyCycle(at: Date): number {
  const hour = at.getUTCHours() + at.getUTCMinutes() / 60;
  return 0.15 + 0.85 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI)) ** 1.5;
}

/** How many calls to send for one second at this moment: the daily cycle, with a random remainder. */
function callsAt(at: Date): number {
  return Math.floor(PEAK_RATE * dailyCycle(at) + Math.random());
}

function event(key: DemoKey, at: Date) {
  const m = MODELS[randomInt(0, key.spikes ? 2 : MODELS.length)];
  // the spiking key sends ten times longer prompts and answers in minutes 0-4 of every quarter hour
  const spike = key.spikes && at.getUTCMinutes() % 15 < 5 ? 10 : 1;
  const failed = randomInt(0, 100) < 4;
  const input = randomInt(200, 3000) * spike;
  const output = m.type === 'embedding' ? 0 : randomInt(50, 1200) * spike;
  const cacheRead = randomInt(0, Math.floor(input / 3));
  return {
    event_id: randomUUID(),
    occurred_at: at.toISOString(),
    team_id: key.teamId,
    user_id: key.userId,
    api_key_id: key.id,
    service: m.type === 'embedding' ? 'embeddings' : SERVICES[randomInt(0, 2)],
    model: m.model,
    model_type: m.type,
    source: randomInt(0, 10) < 8 ? 'business' : 'internal',
    input_tokens: failed ? 0 : input,
    output_tokens: failed ? 0 : output,
    reasoning_tokens: failed ? 0 : Math.floor(output / 3),
    cache_read_tokens: failed ? 0 : cacheRead,
    cache_write_tokens: failed ? 0 : randomInt(0, Math.floor((input - cacheRead) / 4)),
    latency_ms: randomInt(150, 2500) + Math.round(output / 40),
    ttft_ms: randomInt(40, 600),
    status: failed ? 'error' : 'success',
    http_status: failed ? [429, 500, 503][randomInt(0, 3)] : 200,
    error_code: failed ? 'upstream_error' : null,
    tags: [randomInt(0, 2) ? 'prod' : 'staging'],
    request_id: null,
  };
}

async function send(token: string, events: unknown[]): Promise<void> {
  const res = await fetch(`${URL_BASE}/v1/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(events),
  });
  if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { rejected: unknown[] };
  if (body.rejected.length) console.error('rejected:', JSON.stringify(body.rejected.slice(0, 3)));
}

/** The past days at the stream's own rate, so every page has a history at once. */
async function backfill(service: string, keys: DemoKey[]): Promise<void> {
  const now = Date.now();
  let batch: unknown[] = [];
  for (let t = now - BACKFILL_DAYS * 86_400_000; t < now; t += 1000) {
    const at = new Date(t);
    for (let n = callsAt(at); n > 0; n--) batch.push(event(keys[randomInt(0, keys.length)], at));
    if (batch.length >= 2000) {
      await send(service, batch);
      batch = [];
    }
  }
  if (batch.length) await send(service, batch);
}

async function main(): Promise<void> {
  const health = await fetch(`${URL_BASE}/health`).catch(() => undefined);
  if (!health) throw new Error(`nothing answers at ${URL_BASE}: start the service first (npm start)`);
  const service = serviceToken();
  let state: DemoState;
  if (fs.existsSync(STATE_FILE)) {
    state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as DemoState;
  } else {
    state = await createOrganisation();
    fs.writeFileSync(STATE_FILE, JSON.stringify(state), { mode: 0o600 });
  }
  if (!state.backfilled) {
    await backfill(service, state.keys);
    state.backfilled = true;
    fs.writeFileSync(STATE_FILE, JSON.stringify(state), { mode: 0o600 });
  }
  console.log(`\nDashboard: ${URL_BASE}/`);
  console.log(`Sign in with this personal access token (the Research team's OWNER):\n  ${state.ownerToken}\n`);
  console.log(`Streaming about ${PEAK_RATE} call(s) a second at the daily peak; Ctrl-C stops.`);
  let sent = 0;
  for (;;) {
    const now = new Date();
    const events = Array.from({ length: callsAt(now) }, () => event(state.keys[randomInt(0, state.keys.length)], now));
    if (events.length) await send(service, events);
    sent += events.length;
    if (sent && sent % 100 < events.length) console.log(`${now.toISOString()} ${sent} calls sent`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
