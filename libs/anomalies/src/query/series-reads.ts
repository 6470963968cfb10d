import { buildWhere, TimeRange } from '@app/analytics';
import type { BoundSql, ReadTableName } from '@app/analytics';

/** The entity levels the detector watches; each is read by one query per run, never one per entity. */
export type SeriesFamily = 'PLATFORM' | 'TEAM' | 'MODEL' | 'API_KEY';
export const SERIES_FAMILIES: readonly SeriesFamily[] = ['PLATFORM', 'TEAM', 'MODEL', 'API_KEY'];

export type SeriesGrain = 'minute' | 'hour';

/** One row of a family read: one entity in one bucket. Numbers as the engine sends them (text for 64 bits). */
export interface SeriesRow {
  t: number | string;
  /** the entity ('' for the platform) */
  k: string;
  /** the team of a team or key ('' otherwise) */
  team: string;
  /** a key's owner ('' otherwise) */
  owner: string;
  requests: number | string;
  errors: number | string;
  cost: number;
  tokens: number | string;
  /** NaN when the bucket had no calls */
  latency_p95: number | null;
  /** over the calls that recorded a time to first token: NaN (rollups) or null (raw) when none did */
  ttft_p95: number | null;
}

interface FamilySource {
  /** where minutes and hours are read from */
  readonly tables: Record<SeriesGrain, ReadTableName>;
  readonly time: Record<SeriesGrain, string>;
  /** the entity, its team and owner, as text */
  readonly key: string;
  readonly team: string;
  readonly owner: string;
}

const ROLLUP_SUMS = [
  'sum(requests) AS requests',
  'sum(errors) AS errors',
  'toFloat64(sum(cost)) AS cost',
  'sum(input_tokens) + sum(output_tokens) AS tokens',
  'quantilesTDigestMerge(0.5, 0.95, 0.99)(latency)[2] AS latency_p95',
  'quantilesTDigestMerge(0.5, 0.95, 0.99)(ttft)[2] AS ttft_p95',
];
const RAW_SUMS = [
  'count() AS requests',
  "countIf(status = 'error') AS errors",
  'toFloat64(sum(cost)) AS cost',
  'sum(toUInt64(input_tokens)) + sum(toUInt64(output_tokens)) AS tokens',
  // exact: a key's minute holds a few dozen calls, and a digest per group costs more than their values
  'quantileExact(0.95)(latency_ms) AS latency_p95',
  // NULL (no TTFT recorded) is skipped
  'quantileExact(0.95)(ttft_ms) AS ttft_p95',
];

/**
 * Where each family's minutes and hours come from. API keys have no minute rollup (keys x
 * minutes is as large as raw), so their minutes are read from raw events, which are sorted by
 * hour first: a run reads only the last minutes' granules. Their hours come from usage_key_1h.
 */
const FAMILIES: Record<SeriesFamily, FamilySource> = {
  PLATFORM: {
    tables: { minute: 'usage_platform_totals_1m', hour: 'usage_platform_totals_1h' },
    time: { minute: 'minute', hour: 'hour' },
    key: "''",
    team: "''",
    owner: "''",
  },
  TEAM: {
    tables: { minute: 'usage_team_1m', hour: 'usage_team_totals_1h' },
    time: { minute: 'minute', hour: 'hour' },
    key: 'toString(team_id)',
    team: 'toString(team_id)',
    owner: "''",
  },
  MODEL: {
    tables: { minute: 'usage_team_1m', hour: 'usage_platform_1h' },
    time: { minute: 'minute', hour: 'hour' },
    key: 'toString(model)',
    team: "''",
    owner: "''",
  },
  API_KEY: {
    tables: { minute: 'call_events', hour: 'usage_key_1h' },
    time: { minute: 'toStartOfMinute(occurred_at)', hour: 'hour' },
    key: 'toString(api_key_id)',
    team: 'toString(any(team_id))',
    owner: 'toString(any(user_id))',
  },
};

/**
 * Every entity of one family, per bucket, over the given ranges: requests, errors, cost, tokens,
 * p95 latency and p95 time to first token. Minutes feed the detector; hours of past weeks are its
 * seasonal baseline.
 */
export class FamilySeriesRead {
  constructor(
    readonly family: SeriesFamily,
    readonly grain: SeriesGrain,
    readonly ranges: readonly TimeRange[],
  ) {
    if (ranges.length === 0) throw new Error('a series read needs a time range');
  }

  toSQL(): BoundSql {
    const source = FAMILIES[this.family];
    const table = source.tables[this.grain];
    const where = buildWhere({ range: {} }, this.ranges, table);
    const grouped = source.key === "''" ? 't' : 't, k';
    const select = [
      `toUnixTimestamp(${source.time[this.grain]}) * 1000 AS t`,
      `${source.key} AS k`,
      `${source.team} AS team`,
      `${source.owner} AS owner`,
      ...(table === 'call_events' ? RAW_SUMS : ROLLUP_SUMS),
    ];
    return {
      sql: `SELECT ${select.join(', ')} FROM ${table} WHERE ${where.sql} GROUP BY ${grouped} ORDER BY ${grouped}`,
      params: where.params,
    };
  }
}
