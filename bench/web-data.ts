/**
 * Gives the demo organisation the history of a loaded bench database, so the dashboard's first
 * render can be timed with millions of events behind its pages (not a test):
 *
 *   npm run bench:query -- --events 10000000 --runs 1 --postgres-events 0 --data /tmp/bench10m
 *   CLICKHOUSE_PATH=/tmp/bench10m/ch CLICKHOUSE_DATABASE=bench npm start   # then, in another shell:
 *   npm run demo                                                          # writes .data/demo.json; Ctrl-C it
 *   # stop the service (the engine's data directory opens in one process at a time), then:
 *   npm run bench:web-data -- --data /tmp/bench10m
 *   CLICKHOUSE_PATH=/tmp/bench10m/ch CLICKHOUSE_DATABASE=bench npm start
 *   npm run bench:web -- --token "$(node -p "require('./.data/demo.json').ownerToken")"
 *
 * Each demo team takes the calls of one of the busiest bench teams (the first has about 15 % of
 * all events), its users and keys mapped onto the demo team's keys and their owners. The copies
 * go in through INSERT … SELECT, so every rollup's view sees them as it sees ingest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClickHouseGateway } from '@app/clickhouse';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const dir = path.resolve(option('data', '/tmp/bench10m')!);
const stateFile = path.resolve(__dirname, '../.data/demo.json');

interface DemoKey {
  id: string;
  teamId: string;
  userId: string;
}

async function main(): Promise<void> {
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { keys: DemoKey[] };
  const teams = [...new Set(state.keys.map((k) => k.teamId))];
  const ch = await ClickHouseGateway.connect({ mode: 'embedded', path: path.join(dir, 'ch'), database: 'bench' });
  const busiest = await ch.query<{ team_id: string; n: string }>(
    `SELECT team_id, count() AS n FROM call_events WHERE team_id NOT IN {teams:Array(UUID)}
     GROUP BY team_id ORDER BY n DESC LIMIT {k:UInt32}`,
    { params: { teams, k: teams.length } },
  );
  for (const [i, teamId] of teams.entries()) {
    const keys = state.keys.filter((k) => k.teamId === teamId);
    const source = busiest[i];
    const t0 = Date.now();
    // a bench key becomes one of the team's demo keys (picked by hash), and its user that key's owner
    await ch.command(
      `INSERT INTO call_events (event_id, occurred_at, team_id, user_id, api_key_id, service, model, model_type,
         source, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, ttft_ms, status,
         http_status, error_code, tags, request_id, cost, credits, price_id, priced, kafka_partition, kafka_offset,
         input_cost, output_cost, cache_read_cost, cache_write_cost)
       SELECT concat('web-', event_id), occurred_at, toUUID({team:String}),
         toUUID({users:Array(String)}[1 + cityHash64(api_key_id) % length({users:Array(String)})]),
         toUUID({keys:Array(String)}[1 + cityHash64(api_key_id) % length({keys:Array(String)})]),
         service, model, model_type, source, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
         latency_ms, ttft_ms, status, http_status, error_code, tags, request_id, cost, credits, price_id, priced,
         kafka_partition, kafka_offset, input_cost, output_cost, cache_read_cost, cache_write_cost
       FROM call_events WHERE team_id = {source:UUID}`,
      {
        params: {
          team: teamId,
          source: source.team_id,
          keys: keys.map((k) => k.id),
          users: keys.map((k) => k.userId),
        },
        settings: { parallel_view_processing: 1, max_insert_threads: '2' },
      },
    );
    process.stdout.write(
      `team ${teamId}: ${source.n} calls of bench team ${source.team_id} in ${Date.now() - t0} ms\n`,
    );
  }
  const [{ n }] = await ch.query<{ n: string }>('SELECT count() AS n FROM call_events');
  process.stdout.write(`call_events now holds ${n} events\n`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
