/**
 * First render of each dashboard page (not a test):
 *   npm run bench:web -- --url http://127.0.0.1:3000 --token uat_… [--runs 5] [--new-tabs]
 *
 * Against a running service (`npm start`, data from `npm run demo` or a loaded bench database),
 * Debian's Chromium loads each page afresh (a tab navigates from about:blank, as a reload or a typed
 * address does; `--new-tabs` opens a new tab per run instead; the bundle is cached as a returning
 * visitor has it) and times, on the page's own clock, from navigation to the first frame painted with the
 * page's figures and charts in the DOM. Two kinds of tab: one that knows its team (a reload, or
 * any page after the first: the token and the team in sessionStorage, the reads sent beside
 * `me`) and a tab's first page (the token only: the reads wait for `me` to name the team).
 * Prints per page the median and the worst first render, the harness's wall time (goto until
 * Playwright saw the figures), where the time went (Phases), and the machine's load average
 * before and after (a busy machine slows every figure).
 *
 * With 10M events behind the pages (about 40 min on two busy cores; only one process may open the
 * engine's data directory, so the service is stopped for the load and for bench:web-data):
 *
 *   npm run bench:query -- --events 10000000 --runs 1 --postgres-events 0 --data /tmp/bench10m
 *   # the service on that data, with its own Postgres database, port and Kafka names:
 *   export CLICKHOUSE_PATH=/tmp/bench10m/ch CLICKHOUSE_DATABASE=bench PORT=3100 \
 *     DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_web DEMO_URL=http://127.0.0.1:3100 \
 *     KAFKA_CALLS_TOPIC=bench-web-calls.v1 KAFKA_TEAM_EVENTS_TOPIC=bench-web-team-events.v1 \
 *     KAFKA_CONSUMER_GROUP=bench-web-ingest KAFKA_CLIENT_ID=bench-web DEMO_BACKFILL_DAYS=0
 *   npm start &                       # wait for curl -sf http://127.0.0.1:3100/health
 *   npm run demo                      # writes .data/demo.json; stop it once it prints the token
 *   # stop the service (SIGINT to its node process), then copy history to the demo teams:
 *   npm run bench:web-data -- --data /tmp/bench10m
 *   npm start &                       # again, wait for /health
 *   npm run bench:web -- --url http://127.0.0.1:3100 --runs 5 \
 *     --token "$(node -p "require('./.data/demo.json').ownerToken")"
 *
 * Pages share the token's budget of expensive work (RATE_LIMIT_EXPENSIVE_PER_MINUTE, 120): other
 * reads with the same token just before a run (a probe of each read) got RATE_LIMITED answers.
 */
import * as os from 'node:os';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const url = option('url', 'http://127.0.0.1:3000')!;
const token = option('token', process.env.BENCH_TOKEN);
const runs = Number(option('runs', '5'));
/**
 * A new tab for every run instead of one tab navigating afresh: Playwright's new tab cost the
 * browser process ~420-500 ms of CPU per run against ~250 ms for a navigation (per overview load,
 * from /proc), on the two cores the service answers on, and the first renders with it.
 */
const newTabs = args.includes('--new-tabs');

/** What each page shows once its data is in: the selectors the browser tests wait for too. */
const PAGES: Array<[string, string[]]> = [
  [
    'overview',
    ['#overview-usage .chart', '[data-table="member-ranking"]', '#overview-logs table', '[data-table="members"]'],
  ],
  ['statistics', ['#statistics-results .kpis', '#statistics-results .chart']],
  ['ranking', ['#ranking-results [data-list="ranking"]', '#ranking-results [data-table="Cache"]']],
  ['users', ['#users-kpis [data-kpi]', '#users-activity .chart', '#users-breakdown table']],
  ['seats', ['#seats-plans h3, #seats-plans p', '#seats-credits [data-table="credits-member"]']],
];

/**
 * Where a first render's time goes, in ms from the tab's navigation (medians printed beside each
 * page): the bundle ran (DOMContentLoaded), `me` answered, the page's reads were sent, the last
 * of them answered, and the frame after the figures were all in the DOM was painted.
 */
interface Phases {
  script: number;
  me: number;
  reads: number;
  answered: number;
  painted: number;
}

/**
 * Runs in each tab before its scripts: notes the first frame painted once every figure of the
 * page is in the DOM. Playwright's waits see the figures later (they poll, and the browser, the
 * service and this process share two cores: 300-400 ms later in a traced overview), so the
 * first render is the page's own clock; the harness's wall time is printed beside it.
 */
const WATCH = (pages: Record<string, string[]>) => {
  const g = globalThis as any;
  const wanted = pages[g.location.hash.replace(/^#\//, '') || 'overview'];
  if (!wanted) return;
  const observer = new g.MutationObserver(() => {
    if (!wanted.every((s: string) => g.document.querySelector(s))) return;
    observer.disconnect();
    // a rAF callback runs before the frame's paint, a task queued from it after
    g.requestAnimationFrame(() => g.setTimeout(() => (g.__painted = g.performance.now())));
  });
  observer.observe(g.document, { childList: true, subtree: true });
};

/** Runs in the page: its navigation and resource timings (the first GraphQL request is main.ts's `me`). */
const PHASES = (): Phases => {
  // the page's own timings; this file compiles without the DOM's types
  interface Timing {
    name: string;
    startTime: number;
    responseEnd: number;
    domContentLoadedEventEnd: number;
  }
  const timings = (globalThis as any).performance as { now(): number; getEntriesByType(type: string): Timing[] };
  const api = timings.getEntriesByType('resource').filter((e) => e.name.endsWith('/graphql'));
  return {
    script: timings.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
    me: api[0]?.responseEnd ?? NaN,
    reads: api[1]?.startTime ?? NaN,
    answered: Math.max(...api.map((e) => e.responseEnd)),
    painted: (globalThis as any).__painted,
  };
};

async function main(): Promise<void> {
  if (!token) throw new Error('--token (or BENCH_TOKEN): a personal access token to sign in with');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  // The tab's storage as main.ts leaves it: the token, and once `me` has answered, the team in view.
  const tab = async (team: string | null) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(
      ([t, id]) => {
        const storage = (globalThis as any).location.protocol === 'about:' ? null : (globalThis as any).sessionStorage;
        storage?.setItem('usage-analytics.token', t);
        if (id) storage?.setItem('usage-analytics.team', id);
        else storage?.removeItem('usage-analytics.team');
      },
      [token, team] as const,
    );
    await context.addInitScript(WATCH, Object.fromEntries(PAGES));
    return context;
  };
  const signedIn = await tab(null);
  const warm = await signedIn.newPage();
  await warm.goto(url);
  await warm.waitForSelector('#team');
  const team = await warm.evaluate(() => (globalThis as any).sessionStorage.getItem('usage-analytics.team') as string);
  await warm.close();
  // A reload (or any page after the first in a tab) knows its team and reads beside `me`; a tab's
  // first page learns the team from `me` and reads after it.
  const modes: Array<[string, Awaited<ReturnType<typeof tab>>]> = [
    ['team known', await tab(team)],
    ['first page', signedIn],
  ];
  // the machine may be shared: the load beside the figures tells a slow run from a busy machine
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  process.stdout.write(`first render, ${runs} runs per page, ${url}, load average ${load()}\n`);
  for (const [mode, context] of modes) {
    process.stdout.write(`${mode}:\n`);
    for (const [route, ready] of PAGES) {
      const harness: number[] = [];
      const phases: Phases[] = [];
      const reused = newTabs ? undefined : await context.newPage();
      for (let i = 0; i < runs; i++) {
        const page = reused ?? (await context.newPage());
        // a full load of the page's document every run, not a change of its #hash
        if (reused) await page.goto('about:blank');
        const started = Date.now();
        await page.goto(`${url}/#/${route}`);
        await Promise.all(ready.map((s) => page.waitForSelector(s, { timeout: 30_000 })));
        await page.waitForFunction(() => (globalThis as any).__painted !== undefined);
        harness.push(Date.now() - started);
        phases.push(await page.evaluate(PHASES));
        if (!reused) await page.close();
      }
      await reused?.close();
      const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
      const median = (values: number[]) => Math.round(sorted(values)[Math.floor(values.length / 2)]);
      const rendered = phases.map((p) => p.painted);
      const phase = (name: keyof Phases) => `${name} ${median(phases.map((p) => p[name]))}`;
      process.stdout.write(
        `  ${route.padEnd(11)} first render median ${String(median(rendered)).padStart(5)} ms` +
          `   worst ${String(Math.round(sorted(rendered).at(-1)!)).padStart(5)} ms` +
          `   harness median ${String(median(harness)).padStart(5)} ms` +
          `   (${(['script', 'me', 'reads', 'answered'] as const).map(phase).join(', ')})\n`,
      );
    }
  }
  process.stdout.write(`load average ${load()}\n`);
  await browser.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
