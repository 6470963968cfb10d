import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ClickHouseGateway, ClickHouseMigrator } from '@app/clickhouse';
import {
  CostReportQuery,
  CostRow,
  Granularity,
  ListCursors,
  UsageAggregator,
  UsageDimension,
  UsageFilterInput,
  UsageQueries,
} from '@app/analytics';
import { CALL_EVENT_COLUMNS, CallEventRow, toClickHouseDateTime, toColumnValues } from '@app/ingest';
import type { LabelDirectory } from '../../libs/analytics/src/label-directory';
import { fromUnits, toUnits } from '../../libs/analytics/src/exact-amount';
import { isolatedConfig } from '../harness/test-env';

/**
 * costReport on the real engine: for random events (priced and unpriced, over 40 days so that
 * rollups and raw edges both answer) and random groupings, filters and ranges, every row equals
 * the same group summed here from the events, its line items add up to its cost exactly, and the
 * rows of all pages add up to usageSummary exactly.
 */
const EVENTS = 6_000;
const DAY = 86_400_000;
const now = Date.now();
const teams: string[] = Array.from({ length: 4 }, () => randomUUID());
const users = Array.from({ length: 12 }, (_, i) => ({ id: randomUUID(), team: teams[i % teams.length] }));
const keys = users.flatMap((u) => [randomUUID(), randomUUID()].map((id) => ({ id, user: u })));
const models = ['glm-5', 'kimi-k2.5', 'qwen-vl', 'no-price-yet'];
const services = ['chat', 'batch', 'agent'];

// the dimensions a report may group by, each with how an event's key is read here
const DIMENSION_KEY: Partial<Record<UsageDimension, (r: CallEventRow) => string>> = {
  [UsageDimension.TEAM]: (r) => r.team_id,
  [UsageDimension.USER]: (r) => r.user_id,
  [UsageDimension.API_KEY]: (r) => r.api_key_id,
  [UsageDimension.SERVICE]: (r) => r.service,
  [UsageDimension.MODEL]: (r) => r.model,
  [UsageDimension.MODEL_TYPE]: (r) => r.model_type,
  [UsageDimension.SOURCE]: (r) => r.source,
  [UsageDimension.HTTP_STATUS]: (r) => String(r.http_status ?? 0),
  [UsageDimension.ERROR_CODE]: (r) => r.error_code ?? '',
};
const GROUPABLE = Object.keys(DIMENSION_KEY) as UsageDimension[];

interface Ev {
  row: CallEventRow;
  at: number;
  items: [bigint, bigint, bigint, bigint];
}

let seed = 17_2026;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

function makeEvents(): Ev[] {
  return Array.from({ length: EVENTS }, (_, i) => {
    const key = pick(keys);
    const model = pick(models);
    const priced = model !== 'no-price-yet' && random() > 0.05;
    // line items in units of 1e-15 with all 15 decimals used: a double could not sum them exactly
    const item = () => (priced ? BigInt(Math.floor(random() * 3_000_000)) * 1_000_000_007n + 1n : 0n);
    const items: Ev['items'] = [item(), item(), item(), item()];
    const cost = items.reduce((s, x) => s + x, 0n);
    const at = Math.floor(now - 60_000 - random() ** 1.3 * 40 * DAY);
    const input = Math.floor(random() * 8_000);
    const cacheRead = Math.floor(random() * (input / 2));
    const error = random() < 0.1;
    const row = {
      event_id: randomUUID(),
      occurred_at: toClickHouseDateTime(at),
      team_id: key.user.team,
      user_id: key.user.id,
      api_key_id: key.id,
      service: pick(services),
      model,
      model_type: model === 'qwen-vl' ? 'vision' : 'text',
      source: random() < 0.8 ? 'business' : 'internal',
      input_tokens: input,
      output_tokens: Math.floor(random() * 3_000),
      reasoning_tokens: 0,
      cache_read_tokens: cacheRead,
      cache_write_tokens: Math.floor(random() * (input - cacheRead)),
      latency_ms: 100,
      ttft_ms: null,
      status: error ? 'error' : 'success',
      http_status: error ? pick([429, 500]) : 200,
      error_code: error ? pick(['timeout', 'rate_limited']) : null,
      tags: [],
      request_id: null,
      cost: fromUnits(cost),
      credits: fromUnits(cost * 100n),
      input_cost: fromUnits(items[0]),
      output_cost: fromUnits(items[1]),
      cache_read_cost: fromUnits(items[2]),
      cache_write_cost: fromUnits(items[3]),
      price_id: priced ? 'p' : '',
      priced,
      kafka_partition: 0,
      kafka_offset: String(i),
    } as unknown as CallEventRow;
    return { row, at, items };
  });
}

/** A row as summed here from the events: the report's own fields, every amount exact. */
function expectedRow(events: Ev[]) {
  const sum = (f: (e: Ev) => number) => events.reduce((s, e) => s + f(e), 0);
  const item = (i: number) => fromUnits(events.reduce((s, e) => s + e.items[i], 0n));
  const cost = events.reduce((s, e) => s + e.items.reduce((a, b) => a + b, 0n), 0n);
  const unpriced = events.filter((e) => !e.row.priced);
  return {
    requests: events.length,
    inputTokens: sum((e) => e.row.input_tokens),
    outputTokens: sum((e) => e.row.output_tokens),
    cacheReadTokens: sum((e) => e.row.cache_read_tokens),
    cacheWriteTokens: sum((e) => e.row.cache_write_tokens),
    cost: fromUnits(cost),
    lineItems: { input: item(0), output: item(1), cacheRead: item(2), cacheWrite: item(3) },
    credits: fromUnits(cost * 100n),
    unpricedRequests: unpriced.length,
    unpricedTokens: unpriced.reduce((s, e) => s + e.row.input_tokens + e.row.output_tokens, 0),
  };
}

describe('costReport equals the raw events and usageSummary (property test)', () => {
  let ch: ClickHouseGateway;
  let events: Ev[];
  let report: CostReportQuery;
  let queries: UsageQueries;

  beforeAll(async () => {
    ch = await ClickHouseGateway.connect(isolatedConfig('cost_report_property').clickhouse);
    await new ClickHouseMigrator(ch).migrate();
    events = makeEvents();
    await ch.insertColumns(
      'call_events',
      CALL_EVENT_COLUMNS,
      events.map((e) => toColumnValues(e.row)),
    );
    const labels = { labelsFor: async (_: UsageDimension, ks: string[]) => new Map(ks.map((k) => [k, `L${k}`])) };
    const pricing = { pricing: { creditsPerUnit: 100, currency: 'EUR' } };
    const aggregator = new UsageAggregator(ch);
    report = new CostReportQuery(
      aggregator,
      labels as unknown as LabelDirectory,
      new ListCursors({ cursors: {} }),
      pricing,
    );
    queries = new UsageQueries(aggregator, labels as unknown as LabelDirectory, pricing);
  }, 120_000);
  afterAll(async () => {
    await ch.command(`DROP DATABASE IF EXISTS ${ch.database}`);
    await ch.close();
  });

  /** Every row of a report, page by page through the cursors. */
  async function allRows(filter: UsageFilterInput, groupBy: UsageDimension[], granularity?: Granularity) {
    const rows: CostRow[] = [];
    let after: string | undefined;
    for (let page = 0; ; page++) {
      const answer = await report.execute(filter, { groupBy, granularity, first: 40, after }, now);
      expect(answer.currency).toBe('EUR');
      rows.push(...answer.edges.map((e) => e.node));
      if (!answer.pageInfo.hasNextPage) return { rows, pages: page + 1 };
      after = answer.pageInfo.endCursor!;
    }
  }

  const dimensionLists = fc.uniqueArray(fc.constantFrom(...GROUPABLE), { minLength: 1, maxLength: 3 });
  const ranges = fc.record({
    // whole days (rollups only) or a range to the minute (raw edges), up to the full 40 days
    spanDays: fc.integer({ min: 1, max: 40 }),
    endDaysAgo: fc.integer({ min: 0, max: 10 }),
    toTheMinute: fc.boolean(),
  });
  const filters = fc.record({
    teamIds: fc.option(fc.subarray(teams, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    models: fc.option(fc.subarray(models, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  });

  it('rows equal the events grouped, line items sum to cost, totals equal usageSummary', async () => {
    let checkedRows = 0;
    let multiPage = 0;
    await fc.assert(
      fc.asyncProperty(
        dimensionLists,
        fc.constantFrom(undefined, Granularity.DAY, Granularity.HOUR, Granularity.MONTH),
        ranges,
        filters,
        fc.constantFrom('UTC', 'Asia/Kolkata', 'America/New_York'),
        async (groupBy, granularity, { spanDays, endDaysAgo, toTheMinute }, dims, timeZone) => {
          const dayEnd = Math.floor(now / DAY) * DAY - endDaysAgo * DAY;
          const to = toTheMinute ? Math.floor((now - endDaysAgo * DAY) / 60_000) * 60_000 : dayEnd;
          const from = to - spanDays * DAY;
          // hours over more than a week: too many rows for a quick case
          const bucketed = granularity === Granularity.HOUR && spanDays > 7 ? Granularity.DAY : granularity;
          const filter: UsageFilterInput = { range: { from: new Date(from), to: new Date(to), timeZone }, ...dims };
          const { rows, pages } = await allRows(filter, groupBy, bucketed);
          if (pages > 1) multiPage++;
          const context = JSON.stringify({ groupBy, bucketed, filter });

          // the answer's order is (bucket, keys), with no row twice
          const order = rows.map((r) => JSON.stringify([r.bucket?.getTime() ?? 0, ...r.keys]));
          const sorted = [...rows]
            .map((r) => [r.bucket?.getTime() ?? 0, ...r.keys] as (number | string)[])
            .sort((a, b) => {
              for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
              return 0;
            })
            .map((k) => JSON.stringify(k));
          expect({ context, order }).toEqual({ context, order: sorted });

          // each row against the events of its group (bucket assignment is the engine's; the sums are checked)
          const inRange = events.filter(
            (e) =>
              e.at >= from &&
              e.at < to &&
              (!dims.teamIds || dims.teamIds.includes(e.row.team_id)) &&
              (!dims.models || dims.models.includes(e.row.model)),
          );
          // a row's bucket is named by its local calendar label, as each event's time is (by Intl, not the code tested)
          const label = (at: number) => (bucketed ? localLabel(at, timeZone, bucketed) : '');
          const groups = new Map<string, Ev[]>();
          for (const e of inRange) {
            const k = JSON.stringify([label(e.at), ...groupBy.map((d) => DIMENSION_KEY[d]!(e.row))]);
            groups.set(k, [...(groups.get(k) ?? []), e]);
          }
          const answered = new Map<string, CostRow[]>();
          for (const r of rows) {
            const k = JSON.stringify([r.bucket ? label(r.bucket.getTime()) : '', ...r.keys]);
            answered.set(k, [...(answered.get(k) ?? []), r]);
            expect({ context, labels: r.labels }).toEqual({ context, labels: r.keys.map((x) => `L${x}`) });
            const items = r.lineItems;
            expect({
              context,
              cost: fromUnits(
                [items.input, items.output, items.cacheRead, items.cacheWrite].reduce((s, x) => s + toUnits(x), 0n),
              ),
            }).toEqual({ context, cost: r.cost });
          }
          expect({ context, keys: [...answered.keys()].sort() }).toEqual({ context, keys: [...groups.keys()].sort() });
          for (const [k, evs] of groups) {
            const summed = sumRows(answered.get(k)!);
            expect({ context, k, ...summed }).toEqual({ context, k, ...expectedRow(evs) });
            checkedRows += answered.get(k)!.length;
          }

          // all rows together: usageSummary, exactly
          const summary = await queries.summary(filter, now);
          const total = sumRows(rows);
          expect({ context, ...total }).toEqual({
            context,
            requests: summary.requests,
            inputTokens: summary.inputTokens,
            outputTokens: summary.outputTokens,
            cacheReadTokens: summary.cacheReadTokens,
            cacheWriteTokens: summary.cacheWriteTokens,
            cost: summary.cost,
            lineItems: {
              input: summary.inputCost,
              output: summary.outputCost,
              cacheRead: summary.cacheReadCost,
              cacheWrite: summary.cacheWriteCost,
            },
            credits: summary.credits,
            unpricedRequests: summary.unpricedRequests,
            unpricedTokens: summary.unpricedTokens,
          });
          const unpricedModels = [...new Set(inRange.filter((e) => !e.row.priced).map((e) => e.row.model))].sort();
          expect({ context, unpricedModels: summary.unpricedModels }).toEqual({ context, unpricedModels });
        },
      ),
      { numRuns: 60, seed: 20261202 },
    );
    process.stdout.write(`cost report property: ${checkedRows} rows checked, ${multiPage} multi-page answers\n`);
    expect(checkedRows).toBeGreaterThan(500);
    expect(multiPage).toBeGreaterThan(5);
  }, 600_000);
});

/** The local calendar label of an instant in a zone: its month, day or hour there. */
function localLabel(at: number, timeZone: string, granularity: Granularity): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const month = `${parts.year}-${parts.month}`;
  if (granularity === Granularity.MONTH) return month;
  return granularity === Granularity.DAY ? `${month}-${parts.day}` : `${month}-${parts.day} ${parts.hour}`;
}

/** Rows added up exactly (a group's rows over its buckets, or a whole report). */
function sumRows(rows: CostRow[]) {
  const n = (f: (r: CostRow) => number) => rows.reduce((s, r) => s + f(r), 0);
  const amount = (f: (r: CostRow) => string) => fromUnits(rows.reduce((s, r) => s + toUnits(f(r)), 0n));
  return {
    requests: n((r) => r.requests),
    inputTokens: n((r) => r.inputTokens),
    outputTokens: n((r) => r.outputTokens),
    cacheReadTokens: n((r) => r.cacheReadTokens),
    cacheWriteTokens: n((r) => r.cacheWriteTokens),
    cost: amount((r) => r.cost),
    lineItems: {
      input: amount((r) => r.lineItems.input),
      output: amount((r) => r.lineItems.output),
      cacheRead: amount((r) => r.lineItems.cacheRead),
      cacheWrite: amount((r) => r.lineItems.cacheWrite),
    },
    credits: amount((r) => r.credits),
    unpricedRequests: n((r) => r.unpricedRequests),
    unpricedTokens: n((r) => r.unpricedTokens),
  };
}
