/**
 * The regression check (not a test): npm run bench:all [-- --skip ingest,verify,query]
 *
 * Runs bench:ingest, bench:verify and bench:query at a smaller scale than their own defaults (the
 * commands below; about 6 minutes on 2 cores), reads their figures from what they print, and
 * prints each against the figure of the same name in bench/BASELINE.md: figure, baseline, now,
 * change. A figure that moves by more than the noise there updates the baseline, in the commit
 * that moved it.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const SKIP = new Set((process.argv[process.argv.indexOf('--skip') + 1] ?? '').split(','));

interface Bench {
  name: string;
  args: string[];
  /** figure name → the pattern whose first group is its value in the bench's output */
  figures: Array<[string, RegExp]>;
}

const BENCHES: Bench[] = [
  {
    name: 'ingest',
    args: ['--events', '100000'],
    figures: [
      ['ingest: end to end (events/s)', /end to end: (\d+) events\/s/],
      ['ingest: freshness p50 (ms)', /freshness .*?p50 (\d+) ms/],
      ['ingest: freshness p99 (ms)', /freshness .*?p99 (\d+) ms/],
      ['ingest: worker peak RSS (MB)', /peak RSS: (\d+) MB/],
      ['ingest: engine ceiling (events/s)', /engine ceiling: (\d+) events\/s/],
      ['ingest: worker / engine (%)', /worker \/ engine: (\d+)%/],
    ],
  },
  {
    name: 'verify',
    args: ['--connections', '200', '--seconds', '10'],
    figures: [
      ['verify: requests/s', /verify: (\d+) req\/s/],
      ['verify: p50 (ms)', /verify: .*? p50 ([\d.]+) ms/],
      ['verify: p99 (ms)', /verify: .*? p99 ([\d.]+) ms/],
      ['verify: revocation refused after the answer (ms)', /revocation: .*?, ([\d.]+) ms after its answer/],
    ],
  },
  {
    name: 'query',
    args: ['--events', '300000', '--runs', '10', '--postgres-events', '0'],
    figures: [
      'summary, 7 days, all teams',
      'summary, 7 days, one team',
      'trend, 7 days hourly, split by model',
      'ranking, 30 days, top 10 keys',
      'breakdown, 30 days, by user, first 50',
      'breakdown, 30 days, by team, first 50',
      'callLogs, 1 day, first page',
      'ranking, 30 days to the minute (custom range)',
      'callLogs, 1 day, slowest first',
      'callLog by event id (90 days, bloom filter)',
      'callLog by request id (90 days, bloom filter)',
      'ranking, 30 days, HTTP statuses by error rate',
      'trend, 7 days hourly, errors and TTFT p95 by error code, one team',
      'summary, 30 days, tag filter',
      'costReport, 30 days, team × model × day, first 100',
      'costReport, 30 days, user × service, first 100',
      'ranking, 30 days, top tags by requests',
    ].flatMap((label): Array<[string, RegExp]> => {
      const row = `\\| ${label.replace(/[()]/g, '\\$&')} \\|`;
      // p95 of 10 runs is their slowest but one: p50 shows a shift through the noise of a shared machine
      return [
        [`query p50 (ms): ${label}`, new RegExp(`${row} ([\\d.]+) \\|`)],
        [`query p95 (ms): ${label}`, new RegExp(`${row} [\\d.]+ \\| ([\\d.]+) \\|`)],
      ];
    }),
  },
];

/** The bench's output, echoed as it runs. */
function run(bench: Bench): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        `bench/${bench.name}.ts`,
        ...bench.args,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`bench:${bench.name} exited with ${code}`)),
    );
  });
}

/** `| figure | value | …` rows of BASELINE.md's figures table. */
function readBaseline(markdown: string): Map<string, number> {
  const figures = new Map<string, number>();
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length >= 4 && /^-?[\d.]+$/.test(cells[2])) figures.set(cells[1], Number(cells[2]));
  }
  return figures;
}

function change(baseline: number | undefined, now: number | undefined): string {
  if (baseline === undefined || now === undefined) return '–';
  if (baseline === 0) return now === 0 ? '0%' : '–';
  const pct = ((now - baseline) / baseline) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(0)}%`;
}

async function main() {
  const baseline = readBaseline(fs.readFileSync(path.join(ROOT, 'bench/BASELINE.md'), 'utf8'));
  const measured = new Map<string, number>();
  const started = Date.now();
  for (const bench of BENCHES) {
    if (SKIP.has(bench.name)) continue;
    process.stdout.write(`\n== bench:${bench.name} ${bench.args.join(' ')}\n`);
    const out = await run(bench);
    for (const [figure, pattern] of bench.figures) {
      const match = pattern.exec(out);
      if (match) measured.set(figure, Number(match[1]));
    }
  }
  process.stdout.write(`\nbench:all took ${((Date.now() - started) / 60_000).toFixed(1)} min\n\n`);
  process.stdout.write('| figure | baseline | now | change |\n|---|---|---|---|\n');
  for (const bench of BENCHES) {
    if (SKIP.has(bench.name)) continue;
    for (const [figure] of bench.figures) {
      const [b, n] = [baseline.get(figure), measured.get(figure)];
      process.stdout.write(`| ${figure} | ${b ?? '–'} | ${n ?? 'not printed'} | ${change(b, n)} |\n`);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
