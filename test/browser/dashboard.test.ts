import type { INestApplication } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import request from 'supertest';
import type { AppConfig } from '@app/config';
import { createTestUser, graphql, startStandalone, TestUser } from '../harness/app';
import { makeEvent } from '../harness/events';
import { dropDatabase, isolatedConfig, SERVICE_TOKEN, waitFor } from '../harness/test-env';

const ROOT = path.resolve(__dirname, '../..');
/** Screenshots of each page, a test artifact (gitignored). */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Not the machine's zone: the pages must send the picked zone, and the checks ask with the same. */
const TIME_ZONE = 'Asia/Tokyo';
const EVENTS = 120;
/** calls with a test key: left out of every figure the pages show, listed in call logs when asked for */
const TEST_EVENTS = 6;

/**
 * The web dashboard in Debian's Chromium against the real app (Kafka, ClickHouse, Postgres):
 * each page's figures equal the GraphQL answers for its filter, live mode, lifecycle actions and
 * their refusals, no console error (a CSP violation is one), no serious axe-core violation.
 */
describe('web dashboard in a real browser', () => {
  let config: AppConfig;
  let app: INestApplication;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let owner: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let teamId: string;
  const consoleErrors: string[] = [];

  const ok = async <T = any>(query: string, variables: Record<string, unknown> = {}, token = owner.token) => {
    const res = await graphql<T>(app, query, variables, token);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };
  const range = (preset: string) => ({ preset, timeZone: TIME_ZONE });
  const kpiValues = (root = '#page') =>
    page.$$eval(`${root} [data-kpi]`, (els) =>
      Object.fromEntries(els.map((e) => [(e as any).dataset.kpi!, (e as any).dataset.value!])),
    );

  async function open(route: string, ready: string): Promise<void> {
    await page.goto(`${base}/#/${route}`);
    await page.waitForSelector(ready, { timeout: 15_000 });
  }

  async function checkAccessibility(name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    // evaluated through the DevTools protocol, which the page's CSP does not govern
    await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const result = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
        .map((v: any) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join('; ')})`);
    });
    expect(violations).toEqual([]);
  }

  beforeAll(async () => {
    execFileSync('node', [path.join(ROOT, 'apps/web/build.mjs'), '--if-stale'], { stdio: 'inherit' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    config = isolatedConfig('web');
    app = await startStandalone(config);
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    [owner, bob, carol] = await Promise.all(['owner', 'bob', 'carol'].map((p) => createTestUser(app, p)));
    teamId = (await ok(`mutation { createTeam(name: "Research") { id } }`)).createTeam.id;
    const { inviteMember } = await ok(
      `mutation($t: ID!, $u: String!) { inviteMember(teamId: $t, usernameOrEmail: $u, role: MEMBER) { token } }`,
      { t: teamId, u: (await ok(`{ me { username } }`, {}, bob.token)).me.username },
    );
    await ok(`mutation($k: String!) { acceptInvitation(token: $k) { role } }`, { k: inviteMember.token }, bob.token);
    const endsAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await ok(`mutation($t: ID!, $e: DateTime!) { createPlan(teamId: $t, name: "Plan", seats: 3, endsAt: $e) { id } }`, {
      t: teamId,
      e: endsAt,
    });
    const keys = await Promise.all(
      [owner, bob].map(async (u, i) => {
        const { createApiKey } = await ok(
          `mutation($t: ID) { createApiKey(teamId: $t, name: "key-${i}") { apiKey { id } } }`,
          { t: teamId },
          u.token,
        );
        return { user: u.id, key: createApiKey.apiKey.id as string };
      }),
    );
    const { createApiKey: testKey } = await ok(
      `mutation($t: ID) { createApiKey(teamId: $t, name: "ci", test: true) { apiKey { id } } }`,
      { t: teamId },
    );
    const testCalls = Array.from({ length: TEST_EVENTS }, () =>
      // the newest calls: the first page of the call log lists them all
      makeEvent({
        team_id: teamId,
        user_id: owner.id,
        api_key_id: testKey.apiKey.id,
        occurred_at: new Date().toISOString(),
      }),
    );
    const models = ['deepseek-r1-distill-llama-70b', 'glm-5', 'kimi-k2.5'];
    const events = Array.from({ length: EVENTS }, (_, i) =>
      makeEvent({
        team_id: teamId,
        user_id: keys[i % 2].user,
        api_key_id: keys[i % 2].key,
        model: models[i % 3],
        source: i % 5 ? 'business' : 'internal',
        status: i % 10 ? 'success' : 'error',
      }),
    );
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send([...events, ...testCalls])
      .expect(202);
    const requests = async (includeTest: boolean) =>
      (
        await ok(`query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }`, {
          f: { range: range('LAST_1_DAY'), teamIds: [teamId], includeTest },
        })
      ).usageSummary.requests;
    await waitFor(
      'the events in ClickHouse',
      () => requests(true),
      (n) => n === EVENTS + TEST_EVENTS,
      30_000,
    );
    expect(await requests(false)).toBe(EVENTS);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    context = await browser.newContext({ timezoneId: TIME_ZONE, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => (m.type() === 'error' ? consoleErrors.push(m.text()) : undefined));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(base);
    await page.fill('#token', owner.token);
    await page.click('button[type=submit]');
    // the team and time zone pickers come with `me`'s answer
    await page.waitForSelector('#timezone');
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (config) await dropDatabase(config);
  });

  afterEach(() => {
    expect(consoleErrors.splice(0)).toEqual([]);
  });

  it('serves the page without a token, with a strict CSP and no token in any URL', async () => {
    const res = await request(app.getHttpServer()).get('/').expect(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).not.toMatch(/https?:\/\//);
    await request(app.getHttpServer()).get('/assets/..%2Fpackage.json').expect(404);
    await request(app.getHttpServer()).post('/graphql').send({ query: '{ me { id } }' }).expect(200);
    expect(page.url()).not.toContain(owner.token);
    expect(await page.evaluate(() => (globalThis as any).document.cookie)).toBe('');
    // the time zone picker defaults to the browser's
    expect(await page.$eval('#timezone', (s) => (s as any).value)).toBe(TIME_ZONE);
  });

  it("a reload reads the tab's team beside `me`; a remembered team not the viewer's gives way to theirs", async () => {
    await open('overview', '#overview-usage [data-kpi="requests"]');
    const remembered = () => page.evaluate(() => (globalThis as any).sessionStorage.getItem('usage-analytics.team'));
    expect(await remembered()).toBe(teamId);
    await page.reload();
    await page.waitForSelector('#overview-usage [data-kpi="requests"]');
    const [me, firstRead] = await page.evaluate(() =>
      (globalThis as any).performance
        .getEntriesByType('resource')
        .filter((e: any) => e.name.endsWith('/graphql'))
        .map((e: any) => ({ sent: e.startTime, answered: e.responseEnd })),
    );
    expect(firstRead.sent).toBeLessThan(me.answered);

    // a forged or stale team id in the tab's storage: its reads are refused, then the page shows the viewer's team
    await page.evaluate(() =>
      (globalThis as any).sessionStorage.setItem('usage-analytics.team', '00000000-0000-4000-8000-000000000000'),
    );
    await page.reload();
    await page.waitForSelector('#team');
    expect(await page.$eval('#team', (s) => (s as any).value)).toBe(teamId);
    await page.waitForSelector('#overview-usage [data-kpi="requests"]');
    const shown = await kpiValues('#overview-usage');
    const d = await ok(`query($f: UsageFilter!) { usageSummary(filter: $f) { requests } }`, {
      f: { range: range('LAST_1_DAY'), teamIds: [teamId] },
    });
    expect(Number(shown.requests)).toBe(d.usageSummary.requests);
    expect(await remembered()).toBe(teamId);
  });

  it('team overview (000): KPIs, member ranking and call logs equal the API, test calls when asked; accessible', async () => {
    await open('overview', '#overview-usage [data-kpi="requests"]');
    const f = { range: range('LAST_1_DAY'), teamIds: [teamId] };
    const d = await ok(
      `query($f: UsageFilter!) { usageSummary(filter: $f) { requests successRate latencyP95 totalTokens cost }
        usageRanking(filter: $f, dimension: USER, metric: TOTAL_TOKENS, limit: 10) { label }
        callLogs(filter: $f, first: 20) { totalCount } }`,
      { f },
    );
    const shown = await kpiValues('#overview-usage');
    expect(Number(shown.requests)).toBe(d.usageSummary.requests);
    expect(Number(shown.totalTokens)).toBe(d.usageSummary.totalTokens);
    expect(Number(shown.successRate)).toBe(d.usageSummary.successRate);
    expect(shown.cost).toBe(d.usageSummary.cost);
    const ranking = await page.$$eval('[data-table="member-ranking"] tbody tr td:first-child', (tds) =>
      tds.map((td) => td.textContent),
    );
    expect(ranking).toEqual(d.usageRanking.map((r: any) => r.label));
    await page.waitForSelector('#overview-logs .count');
    expect(Number(await page.$eval('#overview-logs .count', (e) => (e as any).dataset.value))).toBe(
      d.callLogs.totalCount,
    );
    await page.waitForSelector('[data-table="members"] tbody tr');
    await checkAccessibility('000-team-overview');

    // asked for, the test key's calls join the call log, marked
    const withTest = await ok(`query($f: UsageFilter!) { callLogs(filter: $f, first: 20) { totalCount } }`, {
      f: { ...f, includeTest: true },
    });
    expect(withTest.callLogs.totalCount).toBe(d.callLogs.totalCount + TEST_EVENTS);
    await page.check('#log-test');
    await page.click('form:has(#log-test) button[type=submit]');
    await page.waitForSelector(`#overview-logs .count[data-value="${withTest.callLogs.totalCount}"]`);
    expect(await page.$$eval('[data-table="call-logs"] .badge', (b) => b.length)).toBe(TEST_EVENTS);
    await page.uncheck('#log-test');
  });

  it('team overview (000): invite, revoke, change role and remove work; a refusal shows the rule', async () => {
    const carolName = (await ok(`{ me { username } }`, {}, carol.token)).me.username as string;
    await page.fill('#invite-who', carolName);
    await page.click('form:has(#invite-who) button[type=submit]');
    await page.waitForSelector('[data-table="invitations"] button[data-invitation]');
    const pending = async () =>
      (
        await ok(`query($t: ID!) { team(id: $t) { invitations { id status } } }`, { t: teamId })
      ).team.invitations.filter((i: any) => i.status === 'PENDING');
    expect(await pending()).toHaveLength(1);
    await page.click('[data-table="invitations"] button[data-invitation]');
    await page.waitForSelector('.message.info:has-text("Invitation revoked")');
    expect(await pending()).toHaveLength(0);

    const role = async () =>
      (await ok(`query($t: ID!) { team(id: $t) { members { role user { id } } } }`, { t: teamId })).team.members.find(
        (m: any) => m.user.id === bob.id,
      )?.role;
    await page.selectOption(`#role-${bob.id}`, 'ADMIN');
    await page.waitForSelector('.message.info:has-text("is now ADMIN")');
    expect(await role()).toBe('ADMIN');

    // the owner may not leave: the API's rule message is what the page shows
    const refusal = await graphql(
      app,
      `
        mutation ($t: ID!) {
          leaveTeam(teamId: $t)
        }
      `,
      { t: teamId },
      owner.token,
    );
    expect(refusal.errors?.[0].extensions?.code).toBe('CONFLICT');
    await page.click('[data-table="members"] button:has-text("Leave")');
    const message = await page.waitForSelector('.message.error');
    expect(await message.textContent()).toBe(`CONFLICT: ${refusal.errors![0].message}`);

    await page.click(`[data-table="members"] button[aria-label^="Remove"]`);
    await page.waitForSelector('.message.info:has-text("was removed")');
    expect(await role()).toBeUndefined();
  });

  it('usage statistics (001): KPI cards equal the API for the chosen filters; the trend live; accessible', async () => {
    await open('statistics', '#statistics-results [data-kpi="requests"]');
    const d = await ok(
      `query($f: UsageFilter!) { usageSummary(filter: $f) {
        requests businessCalls internalCalls totalTokens inputTokens outputTokens } }`,
      { f: { range: range('LAST_7_DAYS'), teamIds: [teamId] } },
    );
    const shown = await kpiValues('#statistics-results');
    for (const k of Object.keys(d.usageSummary)) expect([k, Number(shown[k])]).toEqual([k, d.usageSummary[k]]);
    expect(await page.$$eval('.u-legend .u-series', (s) => s.length)).toBe(1 + 3);
    await checkAccessibility('001-usage-statistics');

    // live mode: a new call of one model raises that model's line in today's bucket within 2 s
    const f = { range: range('LAST_7_DAYS'), teamIds: [teamId] };
    const trendQuery = `query($f: UsageFilter!) {
      usageTrend(filter: $f, granularity: DAY, metrics: [REQUESTS], splitBy: MODEL) { key label points { t value } } }`;
    const trendBefore = (await ok(trendQuery, { f })).usageTrend;
    const glm = trendBefore.find((x: any) => x.key === 'glm-5');
    await page.check('#live');
    await page.waitForTimeout(500);
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send([makeEvent({ team_id: teamId, user_id: owner.id, model: 'glm-5', occurred_at: new Date().toISOString() })])
      .expect(202);
    const sent = Date.now();
    await page.waitForFunction(
      ({ label, today }) => {
        const figure = (globalThis as any).document.querySelector('#statistics-trend figure.chart');
        const data = JSON.parse(figure?.dataset.chart ?? '{}');
        const series = data.series?.find((x: any) => x.label === label);
        return series?.values.at(-1) === today;
      },
      { label: glm.label ?? glm.key, today: glm.points.at(-1).value + 1 },
      { timeout: 2_000 },
    );
    process.stdout.write(`web live mode: the trend by model shows the new call ${Date.now() - sent} ms after POST\n`);
    const trendNow = (await ok(trendQuery, { f })).usageTrend;
    const shownTrend = await page.$eval('#statistics-trend figure.chart', (e) => JSON.parse((e as any).dataset.chart));
    const times = [...new Set<number>(trendNow.flatMap((x: any) => x.points.map((p: any) => Date.parse(p.t) / 1000)))];
    times.sort((a, b) => a - b);
    expect(shownTrend).toEqual({
      times,
      series: trendNow.map((x: any) => ({
        label: x.label ?? x.key,
        values: times.map((t) => x.points.find((p: any) => Date.parse(p.t) / 1000 === t)?.value ?? null),
      })),
    });
    await page.uncheck('#live');
  });

  it('ranking and trend (002): totals, ranking and min/max/avg equal the API; accessible', async () => {
    await open('ranking', '#ranking-results [data-list="ranking"] li');
    const f = { range: range('LAST_1_DAY'), teamIds: [teamId] };
    const d = await ok(
      `query($f: UsageFilter!) { usageSummary(filter: $f) { totalTokens inputTokens outputTokens }
        usageRanking(filter: $f, dimension: MODEL, metric: TOTAL_TOKENS, limit: 10, granularity: HOUR) { key value }
        usageTrend(filter: $f, granularity: HOUR, metrics: [TOKENS_PER_MINUTE]) { max avg } }`,
      { f },
    );
    const shown = await kpiValues('#ranking-results');
    expect(Number(shown.totalTokens)).toBe(d.usageSummary.totalTokens);
    expect(Number(shown.inputTokens)).toBe(d.usageSummary.inputTokens);
    const list = await page.$$eval('[data-list="ranking"] li', (lis) =>
      lis.map((li) => ({ key: (li as any).dataset.key, value: Number((li as any).dataset.value) })),
    );
    expect(list).toEqual(d.usageRanking);
    const max = await page.$eval('tr[data-metric="TOKENS_PER_MINUTE"] td:nth-of-type(2)', (td) =>
      Number((td as any).dataset.value),
    );
    expect(max).toBe(d.usageTrend[0].max);
    await checkAccessibility('002-ranking-and-trend');
  });

  it('usage by user or team (003): KPIs and table equal the API; live mode moves KPIs, chart and table in 2 s', async () => {
    await open('users', '#users-breakdown [data-table="breakdown"] tbody tr');
    const f = { range: range('LAST_7_DAYS'), teamIds: [teamId] };
    const d = await ok(
      `query($f: UsageFilter!) { usageSummary(filter: $f) { activeUsers requests totalTokens cost }
        usageBreakdown(filter: $f, view: USER) { edges { node { key requests cost } } } }`,
      { f },
    );
    const shown = await kpiValues('#users-kpis');
    expect(Number(shown.activeUsers)).toBe(d.usageSummary.activeUsers);
    expect(Number(shown.requests)).toBe(d.usageSummary.requests);
    expect(shown.cost).toBe(d.usageSummary.cost);
    const rows = await page.$$eval('[data-table="breakdown"] tbody tr', (trs) =>
      trs.map((tr) => ({
        key: (tr as any).dataset.key,
        requests: Number((tr.children[3] as any).dataset.value),
        cost: (tr.children[6] as any).dataset.value,
      })),
    );
    expect(rows).toEqual(d.usageBreakdown.edges.map((e: any) => e.node));
    await checkAccessibility('003-usage-by-user-or-team');

    // live mode: a call by someone new to this team's week, carol, is a new active user in today's bar and a
    // new row of the table; both are read again on the push that brings the new KPI figures
    const live = {
      f,
      g: 'DAY',
      activity: ['ACTIVE_USERS'],
    };
    const chartOf = () => page.$eval('#users-activity figure.chart', (e) => JSON.parse((e as any).dataset.chart));
    const chartBefore = await chartOf();
    const activeBefore = chartBefore.series[0].values.at(-1);
    await page.check('#live');
    const before = d.usageSummary.requests as number;
    // the subscription's first answer, then one new call
    await page.waitForTimeout(500);
    await request(app.getHttpServer())
      .post('/v1/events')
      .set('Authorization', `Bearer ${SERVICE_TOKEN}`)
      .send([makeEvent({ team_id: teamId, user_id: carol.id, occurred_at: new Date().toISOString() })])
      .expect(202);
    const sent = Date.now();
    await page.waitForFunction(
      ({ requests, carolId, active }) => {
        const doc = (globalThis as any).document;
        const kpi = Number(doc.querySelector('#users-kpis [data-kpi="requests"]')?.dataset.value);
        const row = doc.querySelector(`[data-table="breakdown"] tbody tr[data-key="${carolId}"]`);
        const chart = JSON.parse(doc.querySelector('#users-activity figure.chart')?.dataset.chart ?? '{}');
        return kpi === requests && row !== null && chart.series?.[0]?.values.at(-1) === active;
      },
      { requests: before + 1, carolId: carol.id, active: activeBefore + 1 },
      { timeout: 2_000 },
    );
    process.stdout.write(`web live mode: KPIs, chart and table show the new call ${Date.now() - sent} ms after POST\n`);
    // what the page shows now is what the API answers for the same filter
    const now = await ok(
      `query($f: UsageFilter!, $g: Granularity!, $activity: [UsageMetric!]!) {
        usageTrend(filter: $f, granularity: $g, metrics: $activity) { points { t value } }
        usageBreakdown(filter: $f, view: USER) { edges { node { key requests cost } } } }`,
      live,
    );
    const shownChart = await chartOf();
    expect(shownChart.times).toEqual(now.usageTrend[0].points.map((p: any) => Date.parse(p.t) / 1000));
    expect(shownChart.series[0].values).toEqual(now.usageTrend[0].points.map((p: any) => p.value));
    expect(
      await page.$$eval('[data-table="breakdown"] tbody tr', (trs) =>
        trs.map((tr) => ({
          key: (tr as any).dataset.key,
          requests: Number((tr.children[3] as any).dataset.value),
          cost: (tr.children[6] as any).dataset.value,
        })),
      ),
    ).toEqual(now.usageBreakdown.edges.map((e: any) => e.node));
    await page.uncheck('#live');
  });

  it('seats and credits (004): seat counts and credits equal the API; the username rule; accessible', async () => {
    await open('seats', '#seats-plans article.plan');
    await page.waitForSelector('#seats-credits [data-kpi="credits"]');
    const d = await ok(
      `query($t: ID!, $f: UsageFilter!) { team(id: $t) { plans { id assigned unassigned expired } }
        usageSummary(filter: $f) { credits } }`,
      { t: teamId, f: { range: range('LAST_7_DAYS'), teamIds: [teamId] } },
    );
    const shown = await kpiValues('#page');
    const [plan] = d.team.plans;
    expect(Number(shown[`unassigned-${plan.id}`])).toBe(plan.unassigned);
    expect(Number(shown[`assigned-${plan.id}`])).toBe(plan.assigned);
    expect(shown.credits).toBe(d.usageSummary.credits);
    await page.fill('#add-username', '9lives');
    await page.click('form:has(#add-username) button[type=submit]');
    await page.waitForSelector('.message.error:has-text("cannot start with a number")');
    await page.click(`#seats-plans form button[type=submit]`);
    await page.waitForSelector('.message.info:has-text("Seat assigned")');
    const after = await ok(`query($t: ID!) { team(id: $t) { plans { assigned } } }`, { t: teamId });
    expect(after.team.plans[0].assigned).toBe(plan.assigned + 1);
    await page.waitForSelector('#seats-plans button:has-text("Reclaim")');
    await checkAccessibility('004-seats-and-credits');
  });

  it('GraphiQL at GET /graphql for browsers: bundled, schema from the contract, queries with the token', async () => {
    const html = await request(app.getHttpServer()).get('/graphql').set('Accept', 'text/html').expect(200);
    expect(html.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(html.text).toContain('/assets/graphiql-');
    expect(html.text).not.toMatch(/https?:\/\//);
    // introspection stays off outside development: GraphiQL's docs come from the bundled schema
    const intro = await graphql(app, '{ __schema { types { name } } }', {}, owner.token);
    expect(intro.data).toBeUndefined();
    const me = (await ok('{ me { username } }')).me.username as string;
    await page.goto(`${base}/graphql`);
    await page.waitForSelector('.graphiql-container');
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(
      (name) => (globalThis as any).document.querySelector('.graphiql-response')?.textContent?.includes(name),
      me,
      { timeout: 10_000 },
    );
    await page.click('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]');
    await page.waitForSelector('.graphiql-doc-explorer >> text=Query');
    await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql.png') });
  });
});
