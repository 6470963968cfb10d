import { Injectable } from '@nestjs/common';
import { ClickHouseGateway } from '@app/clickhouse';
import { ALL_MEASURES, camelName, isDecimal, SUMMED_COLUMNS, UsageDimension } from '@app/catalog';
import { mergesStates, summedOutput } from './query/measure-sql';
import { ConcurrencyRead, ConcurrencyRequest, ConcurrencyRow } from './query/concurrency-read';
import { planUsage } from './query/planner';
import {
  AggregateRequest,
  GroupCountRead,
  GroupedUsageRead,
  PackedUsageRead,
  RankedUsageRead,
  RankRequest,
  SeriesAndSplitRead,
} from './query/usage-read';
import { CostReportRead, ReportRequest } from './query/cost-report-read';
import { normalizeDecimal, UsageGroup, UsageTotals } from './usage-totals';

/** A report row: its bucket (when bucketed), its key per grouped dimension, its totals. */
export type ReportGroup = UsageTotals & { bucket?: number; keys: string[] };

export type { AggregateRequest, RankRequest } from './query/usage-read';

/**
 * A request with the plan of its own range, filter, grouping and measures: the tables are
 * chosen for exactly what the read computes (a table picked for fewer measures would answer
 * the others with zeros).
 */
export function planned(
  req: Omit<AggregateRequest, 'plan'> & { from: number; to: number; now: number },
): AggregateRequest {
  const { from, to, now, ...request } = req;
  return { ...request, plan: planUsage({ ...request, from, to, now }) };
}

type SeriesAndSplit = Required<Pick<AggregateRequest, 'granularity' | 'dimension' | 'secondDimension'>>;

export interface RankedGroups {
  /** the slice, each group with the value it was ranked by (per-minute metrics: before dividing by the minutes) */
  groups: (UsageGroup & { rankValue: number })[];
  /** how many groups the whole answer has */
  groupCount: number;
  /** the sum of the ranked values over all groups, for shares of additive metrics */
  whole: number;
}

/** A read's row: its keys, each summed measure's total under its output name, the states' finals. */
type Row = Record<string, unknown> & {
  bucket?: string;
  group_key?: string;
  second_key?: string;
  requests: string;
};

const SUMMED = SUMMED_COLUMNS.map((m) => ({ name: camelName(m), output: summedOutput(m), decimal: isDecimal(m) }));

/**
 * Runs the usage reads (query/usage-read.ts builds their SQL) and turns their rows into groups.
 * All values are query parameters.
 */
@Injectable()
export class UsageAggregator {
  constructor(private readonly clickhouse: ClickHouseGateway) {}

  async aggregate(req: AggregateRequest): Promise<UsageGroup[]> {
    const read = new GroupedUsageRead(req);
    if (req.page) {
      const { sql, params } = read.toSQL();
      return (await this.clickhouse.query<Row>(sql, { params })).map(toGroup);
    }
    const { sql, params } = new PackedUsageRead(read).toSQL();
    const [packed] = await this.clickhouse.query<Record<string, unknown[]>>(sql, { params });
    return groupsOf(packed);
  }

  /**
   * The groups in the order of a metric, and one slice of them: the engine sorts and cuts, so
   * only the slice travels (a 30-day ranking of keys has thousands of groups). Ties go by key.
   */
  async aggregateRanked(
    req: AggregateRequest & { dimension: UsageDimension },
    rank: RankRequest,
  ): Promise<RankedGroups> {
    const { sql, params } = new RankedUsageRead(new GroupedUsageRead(req), rank).toSQL();
    const rows = await this.clickhouse.query<Row & { group_count: string; rank_value: number; rank_whole: number }>(
      sql,
      { params },
    );
    return {
      groups: rows.map((r) => ({ ...toGroup(r), rankValue: r.rank_value })),
      // an empty first page means no groups; an empty later page still needs the count
      groupCount: rows.length ? Number(rows[0].group_count) : rank.offset === 0 ? 0 : await this.groupCount(req),
      whole: rows.length ? rows[0].rank_whole : 0,
    };
  }

  /**
   * Two groupings of one read, for a breakdown's rows: per group of `dimension`, its points in
   * time (the sparkline) and its totals per `secondDimension` (the model list). Additive
   * measures only: both groupings sum the same per-segment sums.
   */
  async aggregateSeriesAndSplit(
    req: AggregateRequest & SeriesAndSplit,
  ): Promise<{ series: UsageGroup[]; split: UsageGroup[] }> {
    const measures = req.measures ?? ALL_MEASURES;
    if (mergesStates(measures)) {
      throw new Error('aggregateSeriesAndSplit sums additive measures only');
    }
    const read = new SeriesAndSplitRead(new GroupedUsageRead(req, true));
    const { sql, params } = read.toSQL();
    const columns = read.columns();
    const packed = await this.clickhouse.query<{ group_key: string; series_row: number } & Record<string, unknown[]>>(
      sql,
      { params },
    );
    const series: UsageGroup[] = [];
    const split: UsageGroup[] = [];
    for (const p of packed) {
      // a series row has no second key and a split row no bucket
      const own = Object.fromEntries(
        columns.filter((c) => c !== (p.series_row ? 'second_key' : 'bucket')).map((c) => [c, p[`a_${c}`]]),
      );
      (p.series_row ? series : split).push(...groupsOf(own, p.group_key));
    }
    return { series, split };
  }

  /** The most calls in flight per bucket (and group) with a change in it: see ConcurrencyRead. */
  async concurrency(req: ConcurrencyRequest): Promise<ConcurrencyRow[]> {
    const { sql, params } = new ConcurrencyRead(req).toSQL();
    return this.clickhouse.query<ConcurrencyRow>(sql, { params });
  }

  /** One keyset page of a report grouped by any dimensions (query/cost-report-read.ts). */
  async report(req: ReportRequest): Promise<ReportGroup[]> {
    const read = new CostReportRead(req);
    const { sql, params } = read.toSQL();
    const keyColumns = read.keyColumns();
    const rows = await this.clickhouse.query<Row>(sql, { params });
    return rows.map((r) => {
      const group = toTotals((output) => r[output]) as ReportGroup;
      if (r.bucket !== undefined) group.bucket = Number(r.bucket);
      group.keys = keyColumns.map((c) => r[c] as string);
      return group;
    });
  }

  private async groupCount(req: AggregateRequest): Promise<number> {
    const { sql, params } = new GroupCountRead(new GroupedUsageRead({ ...req, measures: new Set() })).toSQL();
    const [{ n }] = await this.clickhouse.query<{ n: string }>(sql, { params });
    return Number(n);
  }
}

/**
 * The groups of a read returned as columns (arrays of equal length, one per output), and of
 * one group key when the read was packed per group.
 */
function groupsOf(columns: Partial<Record<string, unknown[]>>, groupKey?: string): UsageGroup[] {
  const c = columns;
  const n = c.requests?.length ?? 0;
  // groupArray leaves NULLs out: a nullable output would shift its column against the others
  if (Object.values(c).some((values) => values!.length !== n)) {
    throw new Error('a grouped read returned columns of different lengths');
  }
  const groups: UsageGroup[] = [];
  for (let i = 0; i < n; i++) {
    const group = toTotals((output) => c[output]?.[i]) as UsageGroup;
    if (c.bucket) group.bucket = Number(c.bucket[i]);
    if (groupKey !== undefined) group.key = groupKey;
    else if (c.group_key) group.key = c.group_key[i] as string;
    if (c.second_key) group.secondKey = c.second_key[i] as string;
    groups.push(group);
  }
  return groups;
}

function toGroup(r: Row): UsageGroup {
  const group = toTotals((output) => r[output]) as UsageGroup;
  if (r.bucket !== undefined) group.bucket = Number(r.bucket);
  if (r.group_key !== undefined) group.key = r.group_key;
  if (r.second_key !== undefined) group.secondKey = r.second_key;
  return group;
}

function quantiles(q: (number | null)[] | undefined): [number, number, number] | null {
  return q && q[0] !== null && q[1] !== null && q[2] !== null ? [q[0], q[1], q[2]] : null;
}

/**
 * A group's totals from its read outputs, every group built in the same order of properties,
 * set one by one (object spreads here cost ~10 µs a row; thousands of rows per trend).
 */
function toTotals(value: (output: string) => unknown): UsageTotals {
  const totals: Record<string, unknown> = {};
  for (const { name, output, decimal } of SUMMED) {
    const sum = value(output);
    totals[name] = decimal ? normalizeDecimal((sum as string | undefined) ?? '0') : Number(sum ?? 0);
  }
  const latency = value('latency_q') as number[] | undefined;
  totals.activeUsers = Number(value('active_users') ?? 0);
  totals.latency = (totals.requests as number) > 0 && latency ? [latency[0], latency[1], latency[2]] : null;
  // null quantiles: no call of the group recorded a time to first token
  totals.ttft = quantiles(value('ttft_q') as (number | null)[] | undefined);
  totals.businessCalls = Number(value('business') ?? 0);
  totals.internalCalls = Number(value('internal') ?? 0);
  return totals as UsageTotals;
}
