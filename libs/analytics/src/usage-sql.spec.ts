import type { ClickHouseGateway, RequestOptions } from '@app/clickhouse';
import { Granularity, Measure, UsageDimension, UsageMetric } from '@app/catalog';
import { UsageFilterInput } from './dto/usage-filter.input';
import { AggregateRequest, planned, UsageAggregator } from './usage-aggregator';
import { REPORT_MEASURES, reportRequest } from './cost-report.query';

/**
 * The SQL every read shape sends, pinned: a refactoring of the query core must send the same
 * statements with the same parameters (a change here is a change of what the engine runs).
 */
function recorder(): { gateway: ClickHouseGateway; sent: { sql: string; params: unknown }[] } {
  const sent: { sql: string; params: unknown }[] = [];
  const query = async (sql: string, options: RequestOptions = {}) => {
    sent.push({ sql, params: options.params });
    // a packed read answers one row of empty arrays, a count zero, the others no rows
    if (sql.startsWith('SELECT groupArray(')) return [{ requests: [] }];
    return sql.startsWith('SELECT count() AS n') ? [{ n: '0' }] : [];
  };
  return { gateway: { query } as unknown as ClickHouseGateway, sent };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.UTC(2026, 10, 23, 12, 34, 56);
const midnight = Date.UTC(2026, 10, 23);
const team = '11111111-1111-1111-1111-111111111111';
const filter = (extra: Partial<UsageFilterInput> = {}): UsageFilterInput => ({ range: {}, ...extra });
const read = (req: Partial<Parameters<typeof planned>[0]>) =>
  planned({ filter: filter(), from: midnight - 7 * DAY, to: midnight, now, timeZone: 'UTC', ...req });

const SHAPES: [string, AggregateRequest][] = [
  ['summary over whole days, every measure', read({})],
  [
    'a team summary in a 45-minute zone, edges from finer tables',
    read({
      filter: filter({ teamIds: [team] }),
      from: midnight - 7 * DAY + 17 * 60_000,
      to: now,
      timeZone: 'Asia/Kathmandu',
    }),
  ],
  [
    'hourly trend by model, cost and tokens',
    read({
      granularity: Granularity.HOUR,
      dimension: UsageDimension.MODEL,
      measures: new Set<Measure>(['cost', 'inputTokens', 'outputTokens']),
    }),
  ],
  [
    'by user with calls by source, rows summed by the outer level',
    read({
      dimension: UsageDimension.USER,
      measures: new Set<Measure>(['callsBySource', 'credits']),
    }),
  ],
  [
    'by key and model with a tag filter: the tag day rollup',
    read({
      filter: filter({ tags: ['a'], services: ['chat'] }),
      dimension: UsageDimension.API_KEY,
      secondDimension: UsageDimension.MODEL,
    }),
  ],
  [
    'by tag per hour, raw edges: each tag of a call in its own group',
    read({
      from: midnight - 2 * DAY + 17 * 60_000,
      to: now,
      granularity: Granularity.HOUR,
      dimension: UsageDimension.TAG,
      measures: new Set<Measure>(['errors', 'ttft']),
    }),
  ],
  [
    'by HTTP status and error code, filtered by both, raw edges: no status is 0, no code is empty',
    read({
      filter: filter({ httpStatuses: [0, 503], errorCodes: ['', 'timeout'] }),
      from: midnight - 7 * DAY + 17 * 60_000,
      dimension: UsageDimension.HTTP_STATUS,
      secondDimension: UsageDimension.ERROR_CODE,
      measures: new Set<Measure>(['errors', 'latency', 'ttft']),
    }),
  ],
  [
    'a page of days by source for an export',
    { ...read({ granularity: Granularity.DAY, dimension: UsageDimension.SOURCE }), page: { limit: 100, offset: 200 } },
  ],
];

describe('usage SQL', () => {
  it.each(SHAPES)('%s', async (_name, request) => {
    const { gateway, sent } = recorder();
    await new UsageAggregator(gateway).aggregate(request);
    expect({ plan: request.plan, sent }).toMatchSnapshot();
  });

  it('a ranking', async () => {
    const { gateway, sent } = recorder();
    const request = { ...read({ dimension: UsageDimension.API_KEY }), dimension: UsageDimension.API_KEY };
    await new UsageAggregator(gateway).aggregateRanked(request, {
      metric: UsageMetric.SUCCESS_RATE,
      descending: true,
      nullsAs: -1,
      limit: 10,
      offset: 20,
    });
    expect(sent).toMatchSnapshot();
  });

  it('a ranking by error rate and by time to first token', async () => {
    for (const metric of [UsageMetric.ERROR_RATE, UsageMetric.TTFT_P95]) {
      const { gateway, sent } = recorder();
      const request = {
        ...read({ dimension: UsageDimension.ERROR_CODE, measures: new Set<Measure>(['errors', 'ttft']) }),
        dimension: UsageDimension.ERROR_CODE,
      };
      await new UsageAggregator(gateway).aggregateRanked(request, {
        metric,
        descending: true,
        nullsAs: -1,
        limit: 10,
        offset: 0,
      });
      expect({ metric, sent }).toMatchSnapshot();
    }
  });

  it('a breakdown page: series and split in one read', async () => {
    const { gateway, sent } = recorder();
    const request = read({
      filter: filter({ teamIds: [team] }),
      from: midnight - 30 * DAY + HOUR,
      to: now,
      granularity: Granularity.DAY,
      dimension: UsageDimension.USER,
      secondDimension: UsageDimension.MODEL,
      measures: new Set<Measure>(),
    });
    await new UsageAggregator(gateway).aggregateSeriesAndSplit({
      ...request,
      granularity: Granularity.DAY,
      dimension: UsageDimension.USER,
      secondDimension: UsageDimension.MODEL,
    });
    expect(sent).toMatchSnapshot();
  });

  it('the most calls in flight per bucket, from raw calls: unsplit, and by service in a zone', async () => {
    for (const dimension of [undefined, UsageDimension.SERVICE]) {
      const { gateway, sent } = recorder();
      await new UsageAggregator(gateway).concurrency({
        filter: filter({ teamIds: [team] }),
        from: now - HOUR,
        to: now,
        timeZone: dimension ? 'Asia/Kathmandu' : 'UTC',
        granularity: dimension ? Granularity.FIVE_MINUTES : Granularity.MINUTE,
        dimension,
      });
      expect({ dimension, sent }).toMatchSnapshot();
    }
  });

  it('cost report pages: team × model × day from a rollup, key × model with raw edges, after a cursor', async () => {
    const { gateway, sent } = recorder();
    const aggregator = new UsageAggregator(gateway);
    const month = (range: Partial<UsageFilterInput['range']>) => filter({ range, teamIds: [team] });
    const byDay = reportRequest(
      month({ from: new Date(midnight - 30 * DAY), to: new Date(midnight) }),
      [UsageDimension.TEAM, UsageDimension.MODEL],
      Granularity.DAY,
      now,
    );
    await aggregator.report({ ...byDay, limit: 101 });
    // a page after a cursor reads from the cursor's day on
    await aggregator.report({
      ...byDay,
      limit: 101,
      after: { bucket: midnight - 3 * DAY, keys: [team, 'glm-5'] },
    });
    const keyByModel = reportRequest(
      month({ from: new Date(midnight - 7 * DAY + 17 * 60_000), to: new Date(now) }),
      [UsageDimension.API_KEY, UsageDimension.MODEL],
      undefined,
      now,
    );
    await aggregator.report({ ...keyByModel, limit: 11, after: { bucket: null, keys: ['k', 'm'] } });
    // key × model × month: whole months from the day rollup, a first day cut by the range and today from raw
    const keyByModelByMonth = reportRequest(
      month({ from: new Date(Date.UTC(2026, 7, 31, 18, 30)), to: new Date(now) }),
      [UsageDimension.API_KEY, UsageDimension.MODEL],
      Granularity.MONTH,
      now,
    );
    await aggregator.report({ ...keyByModelByMonth, limit: 101 });
    expect({
      plans: [byDay.plan, keyByModel.plan, keyByModelByMonth.plan],
      measures: [...REPORT_MEASURES],
      sent,
    }).toMatchSnapshot();
  });
});
