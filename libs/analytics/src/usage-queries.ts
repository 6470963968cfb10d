import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BadUserInputError } from '@app/errors';
import { MAX_FUTURE_SKEW_MS } from '@app/ingest';
import { dimensionRecord, Granularity, UsageDimension, UsageMetric } from '@app/catalog';
import { UsageFilterInput } from './dto/usage-filter.input';
import { BreakdownConnection, Point, RankingEntry, Series } from './dto/usage-types';
import { UsageSummary } from './dto/usage-summary.type';
import { resolveRange } from './time-range';
import { planned, UsageAggregator } from './usage-aggregator';
import { isAdditive, isCurrencyMetric, isMoneyMetric, measuresFor, metricAmount, metricValue } from './usage-metrics';
import { amountRange, averageAmount } from './exact-amount';
import { bucketMinutes, bucketStarts } from './query/time-buckets';
import { EMPTY_TOTALS, UsageGroup, UsageTotals } from './usage-totals';
import { LabelDirectory } from './label-directory';
import { assertBucketCount } from './bucket-limit';

export { MAX_BUCKETS } from './bucket-limit';
const REQUESTS_ONLY = measuresFor([UsageMetric.REQUESTS]);
const UNPRICED_ONLY = measuresFor([UsageMetric.UNPRICED_REQUESTS]);
const MAX_SERIES = 50;

interface Timeline {
  starts: number[];
  minutes: number[];
}

export interface BreakdownArgs {
  view: UsageDimension;
  orderBy: UsageMetric;
  descending: boolean;
  search?: string;
  first: number;
  after?: string;
}

function decodeOffsetCursor(after: string | undefined): number {
  if (!after) return 0;
  const match = /^o:(\d+)$/.exec(Buffer.from(after, 'base64url').toString());
  if (!match) throw new BadUserInputError('after: not a cursor of this list');
  return Number(match[1]);
}

const encodeOffsetCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');

/** Picks a bucket size for charts that did not ask for one (ranking bars, sparklines). */
export function autoGranularity(from: number, to: number): Granularity {
  const hours = (to - from) / 3_600_000;
  if (hours <= 2) return Granularity.MINUTE;
  if (hours <= 6) return Granularity.FIVE_MINUTES;
  if (hours <= 72) return Granularity.HOUR;
  return Granularity.DAY;
}

/** The usage views of the seeds, over the aggregator and the source planner. */
@Injectable()
export class UsageQueries {
  constructor(
    private readonly aggregator: UsageAggregator,
    private readonly labels: LabelDirectory,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'pricing'>,
  ) {}

  /** The deployment's currency, named on every answer of an amount of it. */
  get currency(): string {
    return this.config.pricing.currency;
  }

  async totals(filter: UsageFilterInput, now = Date.now()): Promise<UsageTotals> {
    const range = resolveRange(filter.range, now);
    const from = range.from.getTime();
    const to = range.to.getTime();
    const [row] = await this.aggregator.aggregate(planned({ filter, from, to, now, timeZone: range.timeZone }));
    return row ?? EMPTY_TOTALS;
  }

  /**
   * The models of the range's unpriced calls: read only when the totals count some, so the
   * summary of a fully priced range (and every live push of one) stays one read.
   */
  private async unpricedModels(filter: UsageFilterInput, t: UsageTotals, now: number): Promise<string[]> {
    if (t.unpricedRequests === 0) return [];
    const range = resolveRange(filter.range, now);
    const from = range.from.getTime();
    const to = range.to.getTime();
    const dimension = UsageDimension.MODEL;
    const models = await this.aggregator.aggregate(
      planned({ filter, from, to, now, timeZone: range.timeZone, dimension, measures: UNPRICED_ONLY }),
    );
    return models
      .filter((m) => m.unpricedRequests > 0)
      .map((m) => m.key!)
      .sort(byText);
  }

  async summary(filter: UsageFilterInput, now = Date.now()): Promise<UsageSummary> {
    const t = await this.totals(filter, now);
    const unpricedModels = await this.unpricedModels(filter, t, now);
    const { activeUsers, latency, ttft, businessCalls, internalCalls, ...sums } = t;
    return {
      ...sums,
      successRate: t.requests > 0 ? t.successes / t.requests : null,
      totalTokens: t.inputTokens + t.outputTokens,
      activeUsers,
      avgRequestsPerUser: t.activeUsers > 0 ? t.requests / t.activeUsers : null,
      latencyP50: latency?.[0] ?? null,
      latencyP95: latency?.[1] ?? null,
      latencyP99: latency?.[2] ?? null,
      errorRate: t.requests > 0 ? t.errors / t.requests : null,
      ttftP50: ttft?.[0] ?? null,
      ttftP95: ttft?.[1] ?? null,
      ttftP99: ttft?.[2] ?? null,
      businessCalls,
      internalCalls,
      currency: this.currency,
      unpricedModels,
    };
  }

  /**
   * Buckets of a range, checked against the limit, up to the last that can hold an event yet
   * (events may be stamped up to the skew limit ahead): a preset's range runs to the next hour.
   */
  private buckets(from: number, to: number, granularity: Granularity, timeZone: string, now: number): number[] {
    assertBucketCount(from, to, granularity);
    return bucketStarts(from, Math.min(to, now + MAX_FUTURE_SKEW_MS), granularity, timeZone);
  }

  private async grouped(
    filter: UsageFilterInput,
    granularity: Granularity,
    dimension: UsageDimension | undefined,
    metrics: UsageMetric[],
    now: number,
  ) {
    const range = resolveRange(filter.range, now);
    const from = range.from.getTime();
    const to = range.to.getTime();
    const timeline = this.timeline(
      this.buckets(from, to, granularity, range.timeZone, now),
      granularity,
      range.timeZone,
    );
    const rows = await this.aggregator.aggregate(
      planned({
        filter,
        from,
        to,
        now,
        timeZone: range.timeZone,
        granularity,
        dimension,
        measures: measuresFor(metrics),
      }),
    );
    return { timeline, rows };
  }

  /** Each bucket with its length in minutes (a local day lasts 23 to 25 hours), worked out once per answer. */
  private timeline(starts: number[], granularity: Granularity, timeZone: string): Timeline {
    return { starts, minutes: starts.map((b) => bucketMinutes(b, granularity, timeZone)) };
  }

  /** A point per bucket; a money metric's point carries its exact amount beside the value to plot. */
  private points(timeline: Timeline, rows: UsageGroup[], metric: UsageMetric): Point[] {
    const byBucket = new Map(rows.map((r) => [r.bucket!, r]));
    const money = isMoneyMetric(metric);
    return timeline.starts.map((b, i) => {
      const totals = byBucket.get(b) ?? EMPTY_TOTALS;
      return {
        t: new Date(b),
        value: metricValue(totals, metric, timeline.minutes[i]),
        amount: money ? metricAmount(totals, metric) : null,
      };
    });
  }

  /** A money series' currency and exact min, max and average of its points' amounts; nulls otherwise. */
  private seriesAmounts(
    metric: UsageMetric,
    points: Point[],
  ): Pick<Series, 'currency' | 'minAmount' | 'maxAmount' | 'avgAmount'> {
    if (!isMoneyMetric(metric)) return { currency: null, minAmount: null, maxAmount: null, avgAmount: null };
    const amounts = points.map((p) => p.amount!);
    const { min, max } = amountRange(amounts);
    return {
      currency: isCurrencyMetric(metric) ? this.currency : null,
      minAmount: min,
      maxAmount: max,
      avgAmount: averageAmount(amounts),
    };
  }

  async trend(
    filter: UsageFilterInput,
    granularity: Granularity,
    metrics: UsageMetric[],
    splitBy?: UsageDimension,
    now = Date.now(),
  ): Promise<Series[]> {
    if (metrics.length === 0) throw new BadUserInputError('metrics: ask for at least one metric');
    const { timeline, rows } = await this.grouped(filter, granularity, splitBy, metrics, now);
    const groups = new Map<string | null, { rows: UsageGroup[]; requests: number }>();
    for (const row of rows) {
      const key = splitBy ? row.key! : null;
      const group = groups.get(key);
      if (group) {
        group.rows.push(row);
        group.requests += row.requests;
      } else {
        groups.set(key, { rows: [row], requests: row.requests });
      }
    }
    if (!splitBy && groups.size === 0) groups.set(null, { rows: [], requests: 0 });
    const keys = [...groups.entries()]
      .sort((a, b) => b[1].requests - a[1].requests)
      .slice(0, MAX_SERIES)
      .map(([k]) => k);
    const labels = splitBy ? await this.labels.labelsFor(splitBy, keys as string[]) : new Map<string, string>();
    const series: Series[] = [];
    for (const metric of metrics) {
      for (const key of keys) {
        const points = this.points(timeline, groups.get(key)!.rows, metric);
        const values = points.map((p) => p.value).filter((v): v is number => v !== null);
        series.push({
          metric,
          key,
          label: key === null ? null : (labels.get(key) ?? key),
          points,
          min: values.length ? Math.min(...values) : null,
          max: values.length ? Math.max(...values) : null,
          avg: values.length ? values.reduce((s, v) => s + v, 0) / values.length : null,
          ...this.seriesAmounts(metric, points),
        });
      }
    }
    return series;
  }

  async ranking(
    filter: UsageFilterInput,
    dimension: UsageDimension,
    metric: UsageMetric,
    limit: number,
    granularity: Granularity | undefined,
    now = Date.now(),
  ): Promise<RankingEntry[]> {
    if (limit < 1 || limit > 1000) throw new BadUserInputError('limit: between 1 and 1000');
    const range = resolveRange(filter.range, now);
    const from = range.from.getTime();
    const to = range.to.getTime();
    const minutes = (to - from) / 60_000;
    const bucketSize = granularity ?? autoGranularity(from, to);
    // before the ranking read: an empty ranking would otherwise hide a range its bars cannot have
    assertBucketCount(from, to, bucketSize);
    const { groups: top, whole } = await this.aggregator.aggregateRanked(
      {
        ...planned({
          filter,
          from,
          to,
          now,
          timeZone: range.timeZone,
          dimension,
          measures: measuresFor([metric], ['unpricedRequests']),
        }),
        dimension,
      },
      { metric, descending: true, nullsAs: 0, limit, offset: 0 },
    );
    if (top.length === 0) return [];
    const shared = isAdditive(metric) && whole > 0;
    const keys = top.map((t) => t.key!);
    // the bars from the engine while Postgres names the keys
    const [{ timeline, rows }, labels] = await Promise.all([
      this.grouped({ ...filter, ...dimensionFilter(dimension, keys) }, bucketSize, dimension, [metric], now),
      this.labels.labelsFor(dimension, keys),
    ]);
    const rowsOf = byKey(rows);
    return top.map((t) => ({
      key: t.key!,
      label: labels.get(t.key!) ?? t.key!,
      value: metricValue(t, metric, minutes) ?? 0,
      share: shared ? t.rankValue / whole : 0,
      points: this.points(timeline, rowsOf.get(t.key!) ?? [], metric),
      amount: metricAmount(t, metric) ?? null,
      unpricedRequests: t.unpricedRequests,
    }));
  }

  async breakdown(filter: UsageFilterInput, args: BreakdownArgs, now = Date.now()): Promise<BreakdownConnection> {
    if (args.first < 1 || args.first > 500) throw new BadUserInputError('first: between 1 and 500');
    const offset = decodeOffsetCursor(args.after);
    const range = resolveRange(filter.range, now);
    const from = range.from.getTime();
    const to = range.to.getTime();
    const minutes = (to - from) / 60_000;
    const sparkGranularity = autoGranularity(from, to);
    assertBucketCount(from, to, sparkGranularity);
    // the breakdown table's columns and its sort key
    const measures = measuresFor([args.orderBy], ['inputTokens', 'outputTokens', 'cost', 'unpricedRequests']);
    const request = {
      ...planned({ filter, from, to, now, timeZone: range.timeZone, dimension: args.view, measures }),
      dimension: args.view,
    };
    const needle = args.search?.trim().toLowerCase();
    let page: UsageGroup[];
    let totalCount: number;
    let people: Awaited<ReturnType<LabelDirectory['describe']>> | undefined;
    if (needle) {
      // names, emails and team names live in Postgres: every group is described, then matched
      const groups = await this.aggregator.aggregate(request);
      const everyone = await this.labels.describe(
        args.view,
        groups.map((g) => g.key!),
      );
      people = everyone;
      const matching = groups.filter((g) => {
        const who = everyone.get(g.key!);
        return [g.key!, who?.label, who?.email, ...(who?.teamNames ?? [])].some((s) =>
          s?.toLowerCase().includes(needle),
        );
      });
      const direction = args.descending ? -1 : 1;
      // the same order as the engine's when there is no search: by value, ties by key
      matching.sort(
        (a, b) =>
          direction * ((metricValue(a, args.orderBy, minutes) ?? -1) - (metricValue(b, args.orderBy, minutes) ?? -1)) ||
          byText(a.key!, b.key!),
      );
      page = matching.slice(offset, offset + args.first);
      totalCount = matching.length;
    } else {
      const ranked = await this.aggregator.aggregateRanked(request, {
        metric: args.orderBy,
        descending: args.descending,
        nullsAs: -1,
        limit: args.first,
        offset,
      });
      page = ranked.groups;
      totalCount = ranked.groupCount;
    }
    const keys = page.map((g) => g.key!);

    // sparklines and model lists: one read of requests by group, grouped by time and by model
    const sparkTimeline = this.timeline(
      this.buckets(from, to, sparkGranularity, range.timeZone, now),
      sparkGranularity,
      range.timeZone,
    );
    const narrowed = { ...filter, ...dimensionFilter(args.view, keys) };
    const detail = { granularity: sparkGranularity, dimension: args.view, secondDimension: UsageDimension.MODEL };
    const [{ series, split: models }, described] = await Promise.all([
      keys.length
        ? this.aggregator.aggregateSeriesAndSplit({
            ...planned({
              ...detail,
              filter: narrowed,
              from,
              to,
              now,
              timeZone: range.timeZone,
              measures: REQUESTS_ONLY,
            }),
            ...detail,
          })
        : { series: [] as UsageGroup[], split: [] as UsageGroup[] },
      // names and emails from Postgres while the engine reads (a searched page has them already)
      people ?? this.labels.describe(args.view, keys),
    ]);

    const seriesOf = byKey(series);
    const modelsOf = byKey(models);
    return {
      totalCount,
      pageInfo: {
        hasNextPage: offset + args.first < totalCount,
        endCursor: page.length ? encodeOffsetCursor(offset + page.length) : null,
      },
      edges: page.map((g, i) => {
        const used = (modelsOf.get(g.key!) ?? []).sort(
          (a, b) => b.requests - a.requests || byText(a.secondKey!, b.secondKey!),
        );
        const who = described.get(g.key!);
        return {
          cursor: encodeOffsetCursor(offset + i + 1),
          node: {
            key: g.key!,
            label: who?.label ?? g.key!,
            email: who?.email ?? null,
            sparkline: this.points(sparkTimeline, seriesOf.get(g.key!) ?? [], UsageMetric.REQUESTS).map(
              (p) => p.value ?? 0,
            ),
            models: used.slice(0, 3).map((m) => m.secondKey!),
            moreModels: Math.max(0, used.length - 3),
            requests: g.requests,
            inputTokens: g.inputTokens,
            outputTokens: g.outputTokens,
            cost: g.cost,
            unpricedRequests: g.unpricedRequests,
          },
        };
      }),
    };
  }
}

/** Rows by their group key, in their order (one pass, not a scan of all rows per group). */
function byKey(rows: UsageGroup[]): Map<string, UsageGroup[]> {
  const groups = new Map<string, UsageGroup[]>();
  for (const row of rows) {
    const group = groups.get(row.key!);
    if (group) group.push(row);
    else groups.set(row.key!, [row]);
  }
  return groups;
}

/** Code-unit order, as the engine orders strings. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Narrows a filter to keys of a dimension that came from that filter's own answer (so a subset of it). */
export function dimensionFilter(dimension: UsageDimension, keys: string[]): Partial<UsageFilterInput> {
  const { filterField, filterParamType } = dimensionRecord(dimension);
  // group keys come back as text; a numeric filter (HTTP statuses) takes them as numbers
  return { [filterField]: filterParamType === 'Array(UInt16)' ? keys.map(Number) : keys };
}
