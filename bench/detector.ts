/**
 * Anomaly detector benchmark (not a test):
 *   npm run bench:detector -- [--events 1000000] [--runs 20] [--data DIR]
 *
 * Loads synthetic events shaped as bench:query's (300 teams with power-law activity, 30 keys per
 * team, 40 models, 30 days, recent traffic denser) into a fresh embedded ClickHouse, then times
 * the live detector as the service runs it: the warm-up run (the last hour of every family), one
 * live run per minute (the minute's reads, one query per family, and judging every series), and the seasonal read an hour's first run adds (four past weeks of that hour).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_DETECTOR_PARAMS, DetectorRunner, IncidentSink, SeriesSource } from '@app/anomalies';
import { ClickHouseGateway, ClickHouseMigrator } from '@app/clickhouse';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const EVENTS = Number(arg('events', '1000000'));
const RUNS = Number(arg('runs', '20'));
const DATA = arg('data', '');
const CHUNK = 1_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

async function main() {
  const dir = DATA ? path.resolve(DATA) : fs.mkdtempSync(path.join(os.tmpdir(), 'bench-detector-'));
  fs.mkdirSync(dir, { recursive: true });
  const marker = path.join(dir, 'loaded.json');
  const loaded = fs.existsSync(marker)
    ? (JSON.parse(fs.readFileSync(marker, 'utf8')) as { events: number; now: number })
    : null;
  if (loaded && loaded.events !== EVENTS) throw new Error(`${dir} holds ${loaded.events} events, not ${EVENTS}`);
  const now = loaded?.now ?? Math.floor(Date.now() / MINUTE) * MINUTE;
  const ch = await ClickHouseGateway.connect({ mode: 'embedded', path: path.join(dir, 'ch'), database: 'bench' });
  await new ClickHouseMigrator(ch).migrate();
  const t0 = Date.now();
  for (let done = loaded ? EVENTS : 0; done < EVENTS; done += CHUNK) {
    const n = Math.min(CHUNK, EVENTS - done);
    await ch.command(
      `INSERT INTO call_events (event_id, occurred_at, team_id, user_id, api_key_id, service, model, model_type, source,
         input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, ttft_ms, status, http_status, tags,
         cost, credits, price_id, priced, kafka_partition, kafka_offset)
       SELECT toString(generateUUIDv4()),
         fromUnixTimestamp64Milli(toInt64({now:Int64} - 60000 - pow(rand(1) / 4294967295, 1.4) * 30 * 86400000)),
         toUUID(concat('00000000-0000-4000-8000-', leftPad(toString(team), 12, '0'))),
         toUUID(concat('00000000-0000-4000-9000-', leftPad(toString(team * 20 + key_slot % 20), 12, '0'))),
         toUUID(concat('00000000-0000-4000-a000-', leftPad(toString(team * 30 + key_slot), 12, '0'))),
         ['chat', 'batch', 'agent', 'search', 'rerank'][1 + key_slot % 5],
         concat('model-', toString(m)),
         ['text', 'text', 'text', 'vision', 'embedding'][1 + m % 5],
         if(key_slot % 10 = 9, 'internal', 'business'),
         input, rand(8) % 2000, intDiv(input, 4), intDiv(input, 10), 50 + rand(9) % 5000, 20 + rand(14) % 800,
         if(rand(10) % 50 = 0, 'error', 'success'), 200, [],
         toDecimal128(input * 0.00000055 + 0.000002, 15), toDecimal128(input * 0.000055, 15), 'p', true, 0, number
       FROM (SELECT number, toUInt32(pow(rand(11) / 4294967295, 3) * 300) AS team,
               toUInt32(pow(rand(3) / 4294967295, 2) * 30) AS key_slot,
               100 + rand(12) % 8000 AS input,
               if(rand(13) % 10 < 7, toUInt32(pow((cityHash64(team, key_slot) % 1000) / 1000, 2) * 40),
                  toUInt32(pow(rand(5) / 4294967295, 2) * 40)) AS m
             FROM numbers({offset:UInt64}, {n:UInt64}))`,
      { params: { now, n, offset: done }, settings: { parallel_view_processing: 1, max_insert_threads: '2' } },
    );
    process.stdout.write(
      `\rloaded ${done + n}/${EVENTS} (${Math.round((done + n) / ((Date.now() - t0) / 1000))} events/s)`,
    );
  }
  if (!loaded) process.stdout.write('\n');
  if (DATA) fs.writeFileSync(marker, JSON.stringify({ events: EVENTS, now }));
  const [{ lastHour }] = await ch.query<{ lastHour: string }>(
    'SELECT count() AS lastHour FROM call_events WHERE occurred_at >= fromUnixTimestamp64Milli({from:Int64})',
    { params: { from: now - HOUR } },
  );

  let changes = 0;
  const sink: IncidentSink = {
    apply: (list) => {
      changes += list.length;
      return Promise.resolve();
    },
    openIncidents: () => Promise.resolve([]),
  };
  const source = new SeriesSource(ch);
  const runner = new DetectorRunner(source, sink, {
    params: DEFAULT_DETECTOR_PARAMS,
    seasonalWeeks: 4,
    lagMinutes: 1,
    maxCatchUpMinutes: 60,
  });
  // live runs over the last minutes of the data, one minute each (lag 1: a run at t judges t - 2 min)
  const first = now - (RUNS + 1) * MINUTE;
  let t = performance.now();
  await runner.run(first);
  const warmUpMs = performance.now() - t;
  const runMs: number[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const at = first + i * MINUTE;
    t = performance.now();
    const outcome = await runner.run(at);
    if (outcome.judged !== 1) throw new Error(`a live run judged ${outcome.judged} minutes, not 1`);
    // a run whose minute opens an hour also reads that hour's seasons: reported on its own below
    const judgedMinute = at - 2 * MINUTE;
    if (i > 1 && judgedMinute % HOUR !== 0) runMs.push(performance.now() - t);
  }
  const seasonMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await source.seasons([Math.floor(now / HOUR) * HOUR - i * HOUR], 4);
    seasonMs.push(performance.now() - t);
  }
  process.stdout.write(
    [
      `detector on ${EVENTS} events (${lastHour} in the last hour), ${runner.seriesCount} series watched:`,
      `  warm-up run (last 60 minutes of every family): ${warmUpMs.toFixed(0)} ms`,
      `  live run (one minute, 4 reads + judging): p50 ${pct(runMs, 50).toFixed(1)} ms, ` +
        `p95 ${pct(runMs, 95).toFixed(1)} ms over ${RUNS} runs`,
      `  seasonal read (an hour's first run, 4 past weeks, 4 reads): p50 ${pct(seasonMs, 50).toFixed(1)} ms`,
      `  changes raised: ${changes}`,
      ...[...source.reads].map(([name, r]) => `  ${name}: ${r.count} reads, mean ${(r.ms / r.count).toFixed(1)} ms`),
    ].join('\n') + '\n',
  );
  await ch.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
