import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BadUserInputError } from '@app/errors';
import { MAX_FUTURE_SKEW_MS, PERSONAL_SPACE_TEAM_ID } from '@app/ingest';
import Decimal from 'decimal.js';
import {
  camelName,
  dimensionRecord,
  Granularity,
  isDecimal,
  Measure,
  RAW_TABLE,
  SUMMED_COLUMNS,
  SummedTotals,
  UsageDimension,
  UsageMetric,
} from '@app/catalog';
import { UsageFilterInput } from './dto/usage-filter.input';
import { BreakdownConnection, DimensionValue, Point, RankingEntry, Series } from './dto/usage-types';
import { UsageSummary } from './dto/usage-summary.type';
import { resolveRange } from './time-range';
import { planned, UsageAggregator } from './usage-aggregator';
import {
  assertFromTotals,
  isAdditive,
  isCurrencyMetric,
  isMoneyMetric,
  isOverTime,
  measuresFor,
  metricAmount,
  metricValue,
} from './usage-metrics';
import { amountRange, averageAmount } from './exact-amount';
import { bucketMinutes, bucketStarts } from './query/time-buckets';
import { EMPTY_TOTALS, normalizeDecimal, UsageGroup, UsageTotals } from './usage-totals';
import { LabelDirectory } from './label-directory';
import { assertBucketCount } from './bucket-limit';
import { MAX_LATENCY_MS, peaksByBucket } from './query/concurrency-read';

export { MAX_BUCKETS } from './bucket-limit';
const REQUESTS_ONLY = measuresFor([UsageMetric.REQUESTS]);
const UNPRICED_ONLY = measuresFor([UsageMetric.UNPRICED_REQUESTS]);
const MAX_SERIES = 50;
/** The key of usageTrend's series that sums the split values beyond the first MAX_SERIES (no value is spelt so). */
export const OTHERS_SERIES_KEY = '__others__';
const DAY_MS = 86_400_000;

interface Timeline {
  starts: number[];
  minutes: number[];
}

export interface BreakdownArgs {
  view: UsageDimension;
  orderBy: UsageMetric;
  /** rows by their label instead of by `orderBy` */
  orderByName?: boolean;
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

  /** `measures`: what to read besides the request count (every measure by default); the others come out 0. */
  async totals(filter: UsageFilterInput, now = Date.now(), measures?: ReadonlySet<Measure>): Promise<UsageTotals> {
    const range = resolveRange(filter.range, now);
    const from = range.from.getTime();
    const to = range.to.getTime();
    const [row] = await this.aggregator.aggregate(
      planned({ filter, from, to, now, timeZone: range.timeZone, measures }),
    );
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

  /** `measures` as for totals (summaryMeasures of the fields asked for): a field whose measure was left out is 0. */
  async summary(filter: UsageFilterInput, now = Date.now(), measures?: ReadonlySet<Measure>): Promise<UsageSummary> {
    const t = await this.totals(filter, now, measures);
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
    // the peaks over time from raw calls while the rollups answer the rest
    const [{ timeline, rows }, peaks] = await Promise.all([
      this.grouped(filter, granularity, splitBy, metrics, now),
      metrics.some(isOverTime) ? this.concurrency(filter, granularity, splitBy, now) : undefined,
    ]);
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
    // the most used first, ties by key: which groups make the cap does not depend on the engine's row order
    const ranked = [...groups.entries()]
      .sort((a, b) => b[1].requests - a[1].requests || byText(a[0] ?? '', b[0] ?? ''))
      .map(([k]) => k);
    const keys = ranked.slice(0, MAX_SERIES);
    const beyond = ranked.slice(MAX_SERIES) as string[];
    const labels = splitBy ? await this.labels.labelsFor(splitBy, keys as string[]) : new Map<string, string>();
    const series: Series[] = [];
    for (const metric of metrics) {
      for (const key of keys) {
        const points = isOverTime(metric)
          ? peakPoints(timeline, peaks!.get(key))
          : this.points(timeline, groups.get(key)!.rows, metric);
        series.push({
          ...withStats({ metric, key, label: key === null ? null : (labels.get(key) ?? key), points }),
          ...this.seriesAmounts(metric, points),
        });
      }
      if (beyond.length) series.push(this.othersSeries(metric, timeline, beyond, groups, peaks));
    }
    return series;
  }

  /**
   * The series beyond the cap as one: per bucket, their totals added up (counts, tokens and
   * amounts their sums, rates over those sums, percentiles null: finished digests do not
   * combine), or the sum of their peaks.
   */
  private othersSeries(
    metric: UsageMetric,
    timeline: Timeline,
    beyond: string[],
    groups: Map<string | null, { rows: UsageGroup[] }>,
    peaks: Map<string | null, number[]> | undefined,
  ): Series {
    let points: Point[];
    if (isOverTime(metric)) {
      const summed = timeline.starts.map((_, i) => beyond.reduce((sum, k) => sum + (peaks!.get(k)?.[i] ?? 0), 0));
      points = timeline.starts.map((b, i) => ({ t: new Date(b), value: summed[i] }));
    } else {
      const byBucket = new Map<number, UsageTotals>();
      for (const key of beyond) {
        for (const row of groups.get(key)!.rows) {
          byBucket.set(row.bucket!, addTotals(byBucket.get(row.bucket!) ?? EMPTY_TOTALS, row));
        }
      }
      // the summed buckets as rows: values and exact amounts come the way every series' do
      points = this.points(
        timeline,
        [...byBucket].map(([bucket, totals]) => ({ ...totals, bucket })),
        metric,
      );
    }
    return {
      ...withStats({ metric, key: OTHERS_SERIES_KEY, label: `Others (${beyond.length})`, points }),
      ...this.seriesAmounts(metric, points),
    };
  }

  /** Each group's most calls in flight per bucket of the timeline, from raw calls. */
  private async concurrency(
    filter: UsageFilterInput,
    granularity: Granularity,
    dimension: UsageDimension | undefined,
    now: number,
  ): Promise<Map<string | null, number[]>> {
    const range = resolveRange(filter.range, now);
    const from = range.from.getTime();
    const to = range.to.getTime();
    if (from - MAX_LATENCY_MS < now - RAW_TABLE.retentionMs) {
      throw new BadUserInputError(
        `range: ${UsageMetric.CONCURRENCY} is read from raw calls, kept ${RAW_TABLE.retentionMs / DAY_MS} days: ` +
          `the range must start after ${new Date(now - RAW_TABLE.retentionMs + MAX_LATENCY_MS).toISOString()}`,
      );
    }
    const starts = this.buckets(from, to, granularity, range.timeZone, now);
    const rows = await this.aggregator.concurrency({
      filter,
      from,
      to,
      timeZone: range.timeZone,
      granularity,
      dimension,
    });
    return peaksByBucket(rows, starts);
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
    assertFromTotals(metric, 'metric');
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

  /**
   * The values of a dimension in the filtered usage, for a filter's drop-down: the most used
   * first (by requests, ties by key), so that the first page holds what people pick most;
   * `search` keeps those whose key or label holds it, case-insensitively.
   */
  async dimensionValues(
    filter: UsageFilterInput,
    dimension: UsageDimension,
    search: string | undefined,
    first: number,
    now = Date.now(),
  ): Promise<DimensionValue[]> {
    if (first < 1 || first > 500) throw new BadUserInputError('first: between 1 and 500');
    const range = resolveRange(filter.range, now);
    const span = { from: range.from.getTime(), to: range.to.getTime(), now, timeZone: range.timeZone };
    const request = { ...planned({ ...span, filter, dimension, measures: REQUESTS_ONLY }), dimension };
    const needle = search?.trim().toLowerCase();
    if (!needle) {
      const { groups } = await this.aggregator.aggregateRanked(request, {
        metric: UsageMetric.REQUESTS,
        descending: true,
        nullsAs: 0,
        limit: first,
        offset: 0,
      });
      const labels = await this.labels.labelsFor(
        dimension,
        groups.map((g) => g.key!),
      );
      return groups.map((g) => ({ key: g.key!, label: labels.get(g.key!) ?? g.key! }));
    }
    // labels of teams, users and keys live in Postgres: every value is labelled, then matched
    const groups = await this.aggregator.aggregate(request);
    const labels = await this.labels.labelsFor(
      dimension,
      groups.map((g) => g.key!),
    );
    return groups
      .map((g) => ({ key: g.key!, label: labels.get(g.key!) ?? g.key!, requests: g.requests }))
      .filter((v) => v.key.toLowerCase().includes(needle) || v.label.toLowerCase().includes(needle))
      .sort((a, b) => b.requests - a.requests || byText(a.key, b.key))
      .slice(0, first)
      .map(({ key, label }) => ({ key, label }));
  }

  async breakdown(filter: UsageFilterInput, args: BreakdownArgs, now = Date.now()): Promise<BreakdownConnection> {
    if (args.first < 1 || args.first > 500) throw new BadUserInputError('first: between 1 and 500');
    assertFromTotals(args.orderBy, 'orderBy');
    const offset = decodeOffsetCursor(args.after);
    const range = resolveRange(filter.range, now);
    const from = range.from.getTime();
    const to = range.to.getTime();
    const minutes = (to - from) / 60_000;
    const sparkGranularity = autoGranularity(from, to);
    assertBucketCount(from, to, sparkGranularity);
    // the breakdown table's columns and its sort key
    const measures = measuresFor(
      [args.orderBy],
      ['inputTokens', 'outputTokens', 'cost', 'credits', 'unpricedRequests'],
    );
    const request = {
      ...planned({ filter, from, to, now, timeZone: range.timeZone, dimension: args.view, measures }),
      dimension: args.view,
    };
    const needle = args.search?.trim().toLowerCase();
    let page: UsageGroup[];
    let totalCount: number;
    let people: Awaited<ReturnType<LabelDirectory['describe']>> | undefined;
    if (needle || args.orderByName) {
      // names, emails and team names live in Postgres: every group is described, then matched or sorted
      const groups = await this.aggregator.aggregate(request);
      const everyone = await this.labels.describe(
        args.view,
        groups.map((g) => g.key!),
      );
      people = everyone;
      const matching = needle
        ? groups.filter((g) => {
            const who = everyone.get(g.key!);
            return [g.key!, who?.label, who?.email, ...(who?.teamNames ?? [])].some((s) =>
              s?.toLowerCase().includes(needle),
            );
          })
        : groups;
      const direction = args.descending ? -1 : 1;
      const nameOf = (g: UsageGroup) => (everyone.get(g.key!)?.label ?? g.key!).toLowerCase();
      // by name: case-insensitive, ties by key; by value: the engine's order without a search, ties by key
      matching.sort((a, b) =>
        args.orderByName
          ? direction * (byText(nameOf(a), nameOf(b)) || byText(a.key!, b.key!))
          : direction *
              ((metricValue(a, args.orderBy, minutes) ?? -1) - (metricValue(b, args.orderBy, minutes) ?? -1)) ||
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
    const [{ series, split: models }, described, teams] = await Promise.all([
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
      this.teamsOfRows(filter, args.view, keys, { from, to, now, timeZone: range.timeZone }),
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
            credits: g.credits,
            teamId: teams.get(g.key!) ?? null,
            unpricedRequests: g.unpricedRequests,
          },
        };
      }),
    };
  }

  /**
   * The team of each row: the one team all of the row's usage in the range was made in (a row of
   * a team is its team; every row of a filter on one team is that team's), none when it spans
   * teams or is in the personal space. A badge then never claims usage of another team.
   */
  private async teamsOfRows(
    filter: UsageFilterInput,
    view: UsageDimension,
    keys: string[],
    span: { from: number; to: number; now: number; timeZone: string },
  ): Promise<Map<string, string | null>> {
    const team = (id: string | undefined) => (id && id !== PERSONAL_SPACE_TEAM_ID ? id : null);
    if (view === UsageDimension.TEAM) return new Map(keys.map((k) => [k, team(k)]));
    if (filter.teamIds?.length === 1) return new Map(keys.map((k) => [k, team(filter.teamIds![0])]));
    if (keys.length === 0) return new Map();
    const pairs = { dimension: view, secondDimension: UsageDimension.TEAM };
    const rows = await this.aggregator.aggregate({
      ...planned({ ...span, ...pairs, filter: { ...filter, ...dimensionFilter(view, keys) }, measures: REQUESTS_ONLY }),
      ...pairs,
    });
    const teamsOf = byKey(rows);
    return new Map(keys.map((k) => [k, teamsOf.get(k)?.length === 1 ? team(teamsOf.get(k)![0].secondKey) : null]));
  }
}

/** A series with the min, max and average of its points that have a value. */
function withStats(series: Pick<Series, 'metric' | 'key' | 'label' | 'points'>): Series {
  const values = series.points.map((p) => p.value).filter((v): v is number => v !== null);
  return {
    ...series,
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
    avg: values.length ? values.reduce((s, v) => s + v, 0) / values.length : null,
  };
}

function peakPoints(timeline: Timeline, peaks: number[] | undefined): Point[] {
  return timeline.starts.map((b, i) => ({ t: new Date(b), value: peaks?.[i] ?? 0 }));
}

/** Exact sums of Decimal(38, 15) amounts: 38 significant digits and more, unrounded. */
const Exact = Decimal.clone({ precision: 60 });

/**
 * Two groups' totals as one: summed measures and counts added (amounts exactly), distinct users
 * added (a user in both counts twice), quantiles null (finished digests do not combine).
 */
function addTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  const sum: Record<string, unknown> = {};
  for (const column of SUMMED_COLUMNS) {
    const name = camelName(column);
    sum[name] = isDecimal(column)
      ? normalizeDecimal(new Exact(a[name]).plus(b[name]).toFixed())
      : (a[name] as number) + (b[name] as number);
  }
  return {
    ...(sum as SummedTotals),
    activeUsers: a.activeUsers + b.activeUsers,
    latency: null,
    ttft: null,
    businessCalls: a.businessCalls + b.businessCalls,
    internalCalls: a.internalCalls + b.internalCalls,
  };
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
