import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BadUserInputError } from '@app/errors';
import { dimensionRecord, Granularity, Measure, UsageDimension } from '@app/catalog';
import { assertBucketCount, MAX_EXPORT_BUCKETS } from './bucket-limit';
import { CostRow, CostRowConnection } from './dto/cost-report.types';
import { UsageFilterInput } from './dto/usage-filter.input';
import { LabelDirectory } from './label-directory';
import { ListCursors, listFingerprint } from './list-cursor';
import { planUsage } from './query/planner';
import { ReportPosition, ReportRequest } from './query/cost-report-read';
import { resolveRange } from './time-range';
import { ReportGroup, UsageAggregator } from './usage-aggregator';

/** Dimensions one report groups by together at most: team × user × model × day is four. */
export const MAX_REPORT_DIMENSIONS = 4;
export const MAX_REPORT_PAGE = 1000;

/** What a cost report row shows: requests, tokens by kind, cost and its line items, credits, unpriced calls. */
export const REPORT_MEASURES: ReadonlySet<Measure> = new Set<Measure>([
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'cost',
  'inputCost',
  'outputCost',
  'cacheReadCost',
  'cacheWriteCost',
  'credits',
  'unpricedRequests',
  'unpricedTokens',
]);

/**
 * A report's grouping, checked before anything runs: at least one dimension, none twice, at most
 * four, and none with several values per call (TAG: a call would count in each of its tags'
 * rows, and the rows would no longer add up to the totals).
 */
export function checkGroupBy(groupBy: readonly UsageDimension[], field = 'groupBy'): void {
  if (groupBy.length === 0) throw new BadUserInputError(`${field}: at least one dimension`);
  if (groupBy.length > MAX_REPORT_DIMENSIONS)
    throw new BadUserInputError(`${field}: at most ${MAX_REPORT_DIMENSIONS} dimensions, got ${groupBy.length}`);
  const twice = groupBy.find((d, i) => groupBy.indexOf(d) !== i);
  if (twice) throw new BadUserInputError(`${field}: ${twice} is given twice`);
  const multi = groupBy.find((d) => dimensionRecord(d).multiValued);
  if (multi)
    throw new BadUserInputError(
      `${field}: ${multi} cannot be grouped in a cost report (a call with several values would count in each row)`,
    );
}

export interface CostReportArgs {
  groupBy: UsageDimension[];
  granularity?: Granularity;
  first: number;
  after?: string;
}

/** The plan and read of a report over a scoped filter, for one page or for an export's pages. */
export function reportRequest(
  filter: UsageFilterInput,
  groupBy: readonly UsageDimension[],
  granularity: Granularity | undefined,
  now: number,
  measures: ReadonlySet<Measure> = REPORT_MEASURES,
): Omit<ReportRequest, 'limit'> {
  checkGroupBy(groupBy);
  const range = resolveRange(filter.range, now);
  const from = range.from.getTime();
  const to = range.to.getTime();
  // pages stream: the export's limit, not a chart's
  if (granularity) assertBucketCount(from, to, granularity, MAX_EXPORT_BUCKETS);
  const plan = planUsage({ filter, from, to, timeZone: range.timeZone, granularity, groupBy, measures, now });
  return { filter, plan, timeZone: range.timeZone, granularity, groupBy, measures };
}

/**
 * costReport: cost and usage by any combination of dimensions and time buckets, keyset pages in
 * the order (bucket, keys), with signed cursors that name the question they were made for.
 */
@Injectable()
export class CostReportQuery {
  constructor(
    private readonly aggregator: UsageAggregator,
    private readonly labels: LabelDirectory,
    private readonly cursors: ListCursors,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'pricing'>,
  ) {}

  async execute(filter: UsageFilterInput, args: CostReportArgs, now = Date.now()): Promise<CostRowConnection> {
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_REPORT_PAGE)
      throw new BadUserInputError(`first: between 1 and ${MAX_REPORT_PAGE}`);
    const request = reportRequest(filter, args.groupBy, args.granularity, now);
    const fingerprint = listFingerprint({
      list: 'costReport',
      filter,
      groupBy: args.groupBy,
      granularity: args.granularity ?? null,
    });
    const after = args.after ? this.position(args.after, fingerprint, args) : undefined;
    const rows = await this.aggregator.report({ ...request, after, limit: args.first + 1 });
    const page = rows.slice(0, args.first);
    const labels = await this.labelsOf(args.groupBy, page);
    const cursorOf = (g: ReportGroup) => this.cursors.encode(fingerprint, [g.bucket ?? null, ...g.keys]);
    return {
      currency: this.config.pricing.currency,
      pageInfo: {
        hasNextPage: rows.length > args.first,
        endCursor: page.length ? cursorOf(page[page.length - 1]) : null,
      },
      edges: page.map((g) => ({ cursor: cursorOf(g), node: costRow(g, labels) })),
    };
  }

  /** A cursor's position, checked to be one this question's rows can have. */
  private position(cursor: string, fingerprint: string, args: CostReportArgs): ReportPosition {
    const [bucket, ...keys] = this.cursors.decode(cursor, fingerprint);
    const bucketOk = args.granularity ? Number.isSafeInteger(bucket) : bucket === null;
    if (!bucketOk || keys.length !== args.groupBy.length || keys.some((k) => typeof k !== 'string'))
      throw new BadUserInputError('after: not a cursor of this list');
    return { bucket: bucket as number | null, keys: keys as string[] };
  }

  /** Each grouped dimension's labels for the page's keys, looked up at once. */
  private async labelsOf(groupBy: UsageDimension[], page: ReportGroup[]): Promise<Map<string, string>[]> {
    return Promise.all(groupBy.map((d, i) => this.labels.labelsFor(d, [...new Set(page.map((g) => g.keys[i]))])));
  }
}

/** A report group as a CostRow. */
export function costRow(g: ReportGroup, labels: Map<string, string>[]): CostRow {
  return {
    keys: g.keys,
    labels: g.keys.map((k, i) => labels[i].get(k) ?? k),
    bucket: g.bucket === undefined ? null : new Date(g.bucket),
    requests: g.requests,
    inputTokens: g.inputTokens,
    outputTokens: g.outputTokens,
    cacheReadTokens: g.cacheReadTokens,
    cacheWriteTokens: g.cacheWriteTokens,
    cost: g.cost,
    lineItems: { input: g.inputCost, output: g.outputCost, cacheRead: g.cacheReadCost, cacheWrite: g.cacheWriteCost },
    credits: g.credits,
    unpricedRequests: g.unpricedRequests,
    unpricedTokens: g.unpricedTokens,
  };
}
