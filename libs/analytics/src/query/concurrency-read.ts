import { Granularity, RAW_TABLE, UsageDimension } from '@app/catalog';
import { UsageFilterInput } from '../dto/usage-filter.input';
import { BoundSql, bucketStartOf, groupKey } from './usage-read';
import { buildWhere } from './where-clause';

/**
 * The longest call an event may describe (latency_ms's maximum in schemas/events/call-event.v1.schema.json):
 * a call in flight at the start of a range began at most this long before it.
 */
export const MAX_LATENCY_MS = 86_400_000;

export interface ConcurrencyRequest {
  filter: UsageFilterInput;
  from: number;
  to: number;
  timeZone: string;
  granularity: Granularity;
  dimension?: UsageDimension;
}

/**
 * The most calls in flight at once per bucket (and group), from raw events: a call is in flight
 * on [occurred_at, occurred_at + latency_ms). Each call is a +1 at its start (clipped to the
 * range's start) and a -1 at its end; the changes at one instant are summed first (a call ending
 * when another starts is not both), then run in time order per group. Per bucket with a change:
 * the peak of the running count, whether a change falls on the bucket's start, and the count after
 * its last change. A bucket's peak is also the count carried in from the previous change when no
 * change falls on its start, and a bucket without a change holds the carried count all along:
 * `peaksByBucket` fills both in.
 */
export class ConcurrencyRead {
  constructor(private readonly req: ConcurrencyRequest) {}

  toSQL(): BoundSql {
    const { req } = this;
    // every call that may be in flight in the range started at most the longest call before it
    const where = buildWhere(req.filter, [{ from: req.from - MAX_LATENCY_MS, to: req.to }], RAW_TABLE.name);
    const start = 'toUnixTimestamp64Milli(occurred_at)';
    const key = req.dimension ? [`${groupKey(req.dimension, RAW_TABLE.name)} AS g_key`] : [];
    const keyed = req.dimension ? ['g_key'] : [];
    const partition = req.dimension ? 'PARTITION BY g_key ' : '';
    const change = `arrayJoin([(greatest(${start}, {c_from:Int64}), 1), (${start} + latency_ms, -1)]) AS change`;
    const changes =
      `SELECT ${[...key, change].join(', ')} ` +
      `FROM ${RAW_TABLE.name} WHERE ${where.sql} AND ${start} + latency_ms > {c_from:Int64}`;
    const atInstant =
      `SELECT ${[...keyed, 'change.1 AS t', 'sum(change.2) AS delta'].join(', ')} ` +
      `FROM (${changes}) GROUP BY ${[...keyed, 't'].join(', ')}`;
    const running =
      `SELECT ${[...keyed, 't'].join(', ')}, ` +
      `sum(delta) OVER (${partition}ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS in_flight ` +
      `FROM (${atInstant})`;
    const bucket = bucketStartOf('fromUnixTimestamp64Milli(t)', req.granularity);
    const outer = [
      `${bucket} AS bucket`,
      ...(req.dimension ? ['toString(g_key) AS group_key'] : []),
      'max(in_flight) AS peak',
      'min(t) = bucket AS changes_at_start',
      'argMax(in_flight, t) AS closing',
    ];
    const sql =
      `SELECT ${outer.join(', ')} FROM (${running}) WHERE t < {c_to:Int64} ` +
      `GROUP BY ${[...(req.dimension ? ['group_key'] : []), 'bucket'].join(', ')}`;
    return { sql, params: { ...where.params, tz: req.timeZone, c_from: req.from, c_to: req.to } };
  }
}

/** A row of the read: one bucket (and group) with a change in it. */
export interface ConcurrencyRow {
  bucket: number | string;
  group_key?: string;
  peak: number | string;
  changes_at_start: number | boolean;
  closing: number | string;
}

/**
 * Each group's peak in each bucket of the timeline: a bucket with changes peaks at their highest
 * count, or at the count carried in when none falls on its start; one without holds the carried count.
 */
export function peaksByBucket(rows: ConcurrencyRow[], starts: number[]): Map<string | null, number[]> {
  const byGroup = new Map<string | null, Map<number, ConcurrencyRow>>();
  for (const row of rows) {
    const key = row.group_key ?? null;
    const group = byGroup.get(key) ?? new Map<number, ConcurrencyRow>();
    group.set(Number(row.bucket), row);
    byGroup.set(key, group);
  }
  const peaks = new Map<string | null, number[]>();
  for (const [key, buckets] of byGroup) {
    let carried = 0;
    peaks.set(
      key,
      starts.map((b) => {
        const row = buckets.get(b);
        if (!row) return carried;
        const peak = Number(row.peak);
        const value = Number(row.changes_at_start) ? peak : Math.max(peak, carried);
        carried = Number(row.closing);
        return value;
      }),
    );
  }
  return peaks;
}
