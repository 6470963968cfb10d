import { Granularity, Measure, UsageDimension } from '@app/catalog';
import { UsageFilterInput } from '../dto/usage-filter.input';
import { additive, additiveColumns, mergesStates } from './measure-sql';
import { UsagePlan } from './planner';
import { BoundSql, bucketExpression, groupKey, rangesByTable, readSource, readsRows } from './usage-read';
import { buildWhere } from './where-clause';

/** Where a page starts: after the row with this bucket (null without buckets) and these keys. */
export interface ReportPosition {
  bucket: number | null;
  keys: string[];
}

export interface ReportRequest {
  filter: UsageFilterInput;
  /** the planner's segments, one table each, covering the range without overlap */
  plan: UsagePlan;
  timeZone: string;
  granularity?: Granularity;
  /** one or more dimensions, each a column of the answer (key_0, key_1, ...) */
  groupBy: readonly UsageDimension[];
  /** summed measures only: rows of a report add up to its totals */
  measures: ReadonlySet<Measure>;
  after?: ReportPosition;
  limit: number;
}

/**
 * Usage grouped by any combination of dimensions (and time buckets, in the caller's zone), one
 * keyset page of it in a stable order: bucket, then each key as text. Every measure is a sum, so
 * a rollup's rows are summed by the outer level as they are and raw events are grouped per
 * segment; the engine computes every total as a Decimal and returns it as text.
 */
export class CostReportRead {
  constructor(private readonly req: ReportRequest) {
    if (req.groupBy.length === 0) throw new Error('a report groups by at least one dimension');
    if (mergesStates(req.measures)) throw new Error('a report sums additive measures only');
  }

  /** The names of the key columns, in the order of the rows. */
  keyColumns(): string[] {
    return this.req.groupBy.map((_, i) => `key_${i}`);
  }

  /**
   * The plan, without what lies before the cursor's bucket: every row of that time is in an
   * earlier bucket, so a page deep in a month reads only from its own day on. The bucket is one
   * of the answer's bucket starts, which the planner put on the grain of the segment holding it.
   */
  private planFromCursor(): UsagePlan {
    const start = this.req.granularity ? this.req.after?.bucket : null;
    if (start === null || start === undefined) return this.req.plan;
    const rest = this.req.plan
      .filter((segment) => segment.to > start)
      .map((segment) => ({ ...segment, from: Math.max(segment.from, start) }));
    // a cursor past the range (a preset's range resolved again later): an empty range of its last table
    const last = this.req.plan[this.req.plan.length - 1];
    return rest.length ? rest : [{ ...last, from: last.to }];
  }

  toSQL(): BoundSql {
    const { req } = this;
    const params: Record<string, unknown> = { tz: req.timeZone };
    const inner = [...(req.granularity ? ['bucket'] : []), ...req.groupBy.map((_, i) => `g_${i}`)];
    const outer = [
      ...(req.granularity ? ['bucket'] : []),
      ...req.groupBy.map((_, i) => `toString(g_${i}) AS key_${i}`),
    ];
    const order = [...(req.granularity ? ['bucket'] : []), ...this.keyColumns()];

    const parts = [...rangesByTable(this.planFromCursor())].map(([table, ranges], i) => {
      const where = buildWhere(req.filter, ranges, table, i);
      Object.assign(params, where.params);
      const rows = readsRows(table, req.measures);
      const select = [
        ...(req.granularity ? [`${bucketExpression(table, req.granularity)} AS bucket`] : []),
        ...req.groupBy.map((d, k) => `${groupKey(d, table)} AS g_${k}`),
        additive(table, req.measures, rows),
      ];
      const grouped = rows ? '' : ` GROUP BY ${inner.join(', ')}`;
      const source = readSource(table, req.measures, req.filter, ranges, i);
      return `SELECT ${select.join(', ')} FROM ${source} WHERE ${where.sql}${grouped}`;
    });
    const totals = additiveColumns(req.measures).map((c) => c.total);
    const from = `(${parts.join(' UNION ALL ')})`;
    let sql = `SELECT ${[...outer, ...totals].join(', ')} FROM ${from} GROUP BY ${inner.join(', ')}`;
    if (req.after) {
      // the row after the last of the previous page, in the order of the answer
      const bound = [
        ...(req.granularity ? ['{after_bucket:Int64}'] : []),
        ...req.groupBy.map((_, i) => `{after_${i}:String}`),
      ];
      sql += ` HAVING (${order.join(', ')}) > (${bound.join(', ')})`;
      if (req.granularity) params.after_bucket = req.after.bucket ?? 0;
      req.after.keys.forEach((key, i) => (params[`after_${i}`] = key));
    }
    sql += ` ORDER BY ${order.join(', ')} LIMIT {limit:UInt32}`;
    params.limit = req.limit;
    return { sql, params };
  }
}
