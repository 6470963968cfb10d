import { placedInOrder } from './placement';
import { UsageDimension } from './usage-enums';
import { DIMENSIONS } from './dimensions';
import {
  EVERY_SUM,
  MEASURE_COLUMNS,
  MEASURE_ORDER,
  MeasureColumn,
  MeasureColumnName,
  QUANTILE_STATES,
} from './measures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type Grain = 'minute' | 'hour' | 'day';

export const GRAIN_MS: Record<Grain, number> = { minute: MINUTE, hour: HOUR, day: DAY };

/** The time column of a rollup of each grain and its type. */
export const GRAIN_COLUMN: Record<Grain, { column: string; type: string }> = {
  minute: { column: 'minute', type: "DateTime('UTC')" },
  hour: { column: 'hour', type: "DateTime('UTC')" },
  day: { column: 'day', type: 'Date' },
};

export interface Column {
  readonly name: string;
  readonly type: string;
  readonly default?: string;
  /** a raw column the SQL relations leave out (internal, or a measure left out of them) */
  readonly hiddenFromSql?: boolean;
}

export interface SkipIndex {
  readonly name: string;
  readonly expression: string;
  readonly type: string;
  readonly granularity: number;
}

/** Physical layout shared by the raw table and the rollups. */
export interface TableLayout {
  readonly partitionBy: string;
  readonly orderBy: readonly string[];
  /** the TTL expression; absent: kept forever */
  readonly ttl?: string;
  /** the planner answers only inside it (with a minute of slack at the edge) */
  readonly retentionMs: number;
  /** rows per granule when not the engine's 8,192 */
  readonly indexGranularity?: number;
  /** extra MergeTree settings, in the order written */
  readonly settings?: readonly string[];
}

/**
 * One rollup: its grain, key dimensions, measures, layout, and where its materialized view reads
 * from (raw events, or a finer rollup's inserts: a few hundred rows per insert instead of every
 * event). `why` becomes the table's comment in the generated DDL.
 */
export interface RollupTable extends TableLayout {
  readonly name: RollupTableName;
  readonly grain: Grain;
  readonly dimensions: readonly UsageDimension[];
  readonly measures: readonly MeasureColumnName[];
  readonly feed: 'call_events' | RollupTableName;
  /** key and sum columns without compression: read over whole ranges, decompression dominated (see README) */
  readonly uncompressed?: boolean;
  /**
   * holds only the calls with a value of this dimension (tagged calls): its view keeps the rows
   * matching `where`, and the planner takes it only for reads that filter or group by the dimension
   */
  readonly holdsOnly?: { readonly dimension: UsageDimension; readonly where: string };
  readonly why: string;
}

export type RollupTableName =
  | 'usage_platform_totals_1d'
  | 'usage_platform_totals_1h'
  | 'usage_platform_totals_1m'
  | 'usage_platform_1h'
  | 'usage_team_totals_1d'
  | 'usage_key_1d'
  | 'usage_user_1d'
  | 'usage_detail_1d'
  | 'usage_team_totals_1h'
  | 'usage_team_1h'
  | 'usage_key_1h'
  | 'usage_team_1m'
  | 'usage_user_models_1h'
  | 'usage_user_models_1d'
  | 'usage_team_models_1d'
  | 'usage_errors_1h'
  | 'usage_errors_1d'
  | 'usage_tags_1h'
  | 'usage_tags_1d';

/** Where a read takes its rows from: a rollup or the raw events. */
export type ReadTableName = RollupTableName | 'call_events';

const { TEAM, USER, API_KEY, SERVICE, MODEL, MODEL_TYPE, SOURCE, HTTP_STATUS, ERROR_CODE, TAG } = UsageDimension;
const TAGGED = { dimension: TAG, where: 'notEmpty(tags)' };
const DEDUP = 'non_replicated_deduplication_window = 10000';
const TTL_DROP = 'ttl_only_drop_parts = 1';
const WITH_USERS = [...EVERY_SUM, ...QUANTILE_STATES, 'users'] as const;
const WITHOUT_USERS = [...EVERY_SUM, ...QUANTILE_STATES] as const;
const hourTtl = { ttl: 'hour + INTERVAL 400 DAY', retentionMs: 400 * DAY, settings: [DEDUP, TTL_DROP] };
const minuteTtl = { ttl: 'minute + INTERVAL 14 DAY', retentionMs: 14 * DAY, settings: [DEDUP, TTL_DROP] };
const forever = { retentionMs: Number.POSITIVE_INFINITY, settings: [DEDUP] };

export const ROLLUP_TABLES: readonly RollupTable[] = [
  {
    name: 'usage_team_1m',
    why:
      'Minute rollup per team, model, service and source (14 days): last hour, today, 1m/5m trends, ' +
      'zones with 30/45-minute offsets.',
    grain: 'minute',
    dimensions: [TEAM, SERVICE, MODEL, MODEL_TYPE, SOURCE],
    measures: WITH_USERS,
    feed: 'call_events',
    partitionBy: 'toYYYYMMDD(minute)',
    orderBy: ['toStartOfHour(minute)', 'team_id', 'minute', 'model', 'service', 'model_type', 'source'],
    ...minuteTtl,
  },
  {
    name: 'usage_team_totals_1h',
    why:
      'Team totals by hour (400 days): summaries, team trends and rankings naming no service or model. Granules ' +
      'of 256 rows: its states are large and a read deserializes whole granules.',
    grain: 'hour',
    dimensions: [TEAM, SOURCE],
    measures: WITH_USERS,
    feed: 'call_events',
    partitionBy: 'toYYYYMM(hour)',
    orderBy: ['toDate(hour)', 'team_id', 'hour', 'source'],
    indexGranularity: 256,
    uncompressed: true,
    ...hourTtl,
  },
  {
    name: 'usage_team_1h',
    why: 'Team hour rollup (400 days): team trends and rankings by service, model, model type or source.',
    grain: 'hour',
    dimensions: [TEAM, SERVICE, MODEL, MODEL_TYPE, SOURCE],
    measures: WITH_USERS,
    feed: 'call_events',
    partitionBy: 'toYYYYMM(hour)',
    orderBy: ['toDate(hour)', 'team_id', 'hour', 'model', 'service', 'model_type', 'source'],
    ...hourTtl,
  },
  {
    name: 'usage_key_1h',
    why:
      'Key hour rollup (400 days): everything per user or API key at hour grain; the model is left out ' +
      '(keys x models per hour would be as large as raw). User is a key column: active users are exact.',
    grain: 'hour',
    dimensions: [TEAM, USER, API_KEY, SERVICE, SOURCE],
    measures: WITHOUT_USERS,
    feed: 'call_events',
    partitionBy: 'toYYYYMM(hour)',
    orderBy: ['toDate(hour)', 'team_id', 'hour', 'user_id', 'api_key_id', 'service', 'source'],
    ...hourTtl,
  },
  {
    name: 'usage_detail_1d',
    why: 'Every dimension by UTC day (forever): user or key together with model over long UTC ranges.',
    grain: 'day',
    dimensions: [TEAM, USER, API_KEY, SERVICE, MODEL, MODEL_TYPE, SOURCE],
    measures: WITHOUT_USERS,
    feed: 'call_events',
    partitionBy: 'toYear(day)',
    orderBy: ['day', 'team_id', 'user_id', 'api_key_id', 'model', 'service', 'model_type', 'source'],
    ...forever,
  },
  {
    name: 'usage_team_totals_1d',
    why: 'Team totals by UTC day (forever): whole days of summaries, team trends and rankings.',
    grain: 'day',
    dimensions: [TEAM, SOURCE],
    measures: WITH_USERS,
    feed: 'usage_team_totals_1h',
    partitionBy: 'toYear(day)',
    orderBy: ['day', 'team_id', 'source'],
    indexGranularity: 256,
    uncompressed: true,
    ...forever,
  },
  {
    name: 'usage_key_1d',
    why: 'Key day rollup (forever): whole days of everything per user or API key; bounded by keys x days.',
    grain: 'day',
    dimensions: [TEAM, USER, API_KEY, SERVICE, SOURCE],
    measures: WITHOUT_USERS,
    feed: 'usage_key_1h',
    partitionBy: 'toYear(day)',
    orderBy: ['day', 'team_id', 'user_id', 'api_key_id', 'service', 'source'],
    uncompressed: true,
    ...forever,
  },
  {
    name: 'usage_platform_1h',
    why: 'Platform hour rollup (400 days, no team): model and service trends and rankings across all teams.',
    grain: 'hour',
    dimensions: [SERVICE, MODEL, MODEL_TYPE, SOURCE],
    measures: WITH_USERS,
    feed: 'usage_team_1h',
    partitionBy: 'toYYYYMM(hour)',
    orderBy: ['hour', 'model', 'service', 'model_type', 'source'],
    indexGranularity: 256,
    uncompressed: true,
    ...hourTtl,
  },
  {
    name: 'usage_platform_totals_1h',
    why: 'Platform totals by hour (400 days): summaries and totals across all teams.',
    grain: 'hour',
    dimensions: [SOURCE],
    measures: WITH_USERS,
    feed: 'usage_team_totals_1h',
    partitionBy: 'toYYYYMM(hour)',
    orderBy: ['hour', 'source'],
    indexGranularity: 256,
    uncompressed: true,
    ...hourTtl,
  },
  {
    name: 'usage_platform_totals_1m',
    why: 'Platform totals by minute (14 days): the last hour and today across all teams.',
    grain: 'minute',
    dimensions: [SOURCE],
    measures: WITH_USERS,
    feed: 'usage_team_1m',
    partitionBy: 'toYYYYMMDD(minute)',
    orderBy: ['minute', 'source'],
    indexGranularity: 256,
    ...minuteTtl,
  },
  {
    name: 'usage_platform_totals_1d',
    why: 'Platform totals by UTC day (forever): long ranges across all teams.',
    grain: 'day',
    dimensions: [SOURCE],
    measures: WITH_USERS,
    feed: 'usage_platform_totals_1h',
    partitionBy: 'toYear(day)',
    orderBy: ['day', 'source'],
    indexGranularity: 256,
    uncompressed: true,
    ...forever,
  },
  {
    name: 'usage_user_models_1h',
    why:
      "Which models each user called, per hour (400 days; requests only): a breakdown page's model lists at " +
      'the edges. Sorted by user within a day, in granules of 1,024 rows: read for one page of users.',
    grain: 'hour',
    dimensions: [TEAM, USER, MODEL],
    measures: ['requests'],
    feed: 'call_events',
    partitionBy: 'toYYYYMM(hour)',
    orderBy: ['toDate(hour)', 'user_id', 'hour', 'team_id', 'model'],
    indexGranularity: 1024,
    ...hourTtl,
  },
  {
    name: 'usage_user_models_1d',
    why: 'Which models each user called, per UTC day (forever): sorted by user first, read for a page of users.',
    grain: 'day',
    dimensions: [TEAM, USER, MODEL],
    measures: ['requests'],
    feed: 'usage_user_models_1h',
    partitionBy: 'toYYYYMM(day)',
    orderBy: ['user_id', 'day', 'team_id', 'model'],
    indexGranularity: 1024,
    uncompressed: true,
    ...forever,
  },
  {
    name: 'usage_team_models_1d',
    why: "Requests by team and model per UTC day (forever): a breakdown by team's model lists.",
    grain: 'day',
    dimensions: [TEAM, MODEL],
    measures: ['requests'],
    feed: 'usage_user_models_1h',
    partitionBy: 'toYear(day)',
    orderBy: ['day', 'team_id', 'model'],
    uncompressed: true,
    ...forever,
  },
  {
    name: 'usage_user_1d',
    why: 'Usage per user per UTC day (forever): breakdowns and rankings by user without key, service or source.',
    grain: 'day',
    dimensions: [TEAM, USER],
    measures: WITHOUT_USERS,
    feed: 'usage_key_1h',
    partitionBy: 'toYear(day)',
    orderBy: ['day', 'team_id', 'user_id'],
    uncompressed: true,
    ...forever,
  },
  {
    name: 'usage_errors_1h',
    why:
      'Calls by team, model, HTTP status and error code per hour (400 days): error analytics (by status or code, ' +
      'error rates, latency and time to first token) beyond raw retention. No status is 0, no error code is "". ' +
      'Source and model type cost no rows (a model has one type) and let summaries read it.',
    grain: 'hour',
    dimensions: [TEAM, MODEL, MODEL_TYPE, SOURCE, HTTP_STATUS, ERROR_CODE],
    measures: WITH_USERS,
    feed: 'call_events',
    partitionBy: 'toYYYYMM(hour)',
    orderBy: ['toDate(hour)', 'team_id', 'hour', 'http_status', 'error_code', 'model', 'model_type', 'source'],
    ...hourTtl,
  },
  {
    name: 'usage_errors_1d',
    why: 'Calls by team, model, HTTP status and error code per UTC day (forever): error analytics over long ranges.',
    grain: 'day',
    dimensions: [TEAM, MODEL, MODEL_TYPE, SOURCE, HTTP_STATUS, ERROR_CODE],
    measures: WITH_USERS,
    feed: 'usage_errors_1h',
    partitionBy: 'toYear(day)',
    orderBy: ['day', 'team_id', 'http_status', 'error_code', 'model', 'model_type', 'source'],
    uncompressed: true,
    ...forever,
  },
  {
    name: 'usage_tags_1h',
    why:
      "Tagged calls by team, model, service and source and the call's sorted tag set per hour (400 days): tag " +
      'filters and usage by tag beyond raw retention. A tag filter matches a set once; grouping by tag splits it.',
    grain: 'hour',
    dimensions: [TEAM, SERVICE, MODEL, MODEL_TYPE, SOURCE, TAG],
    measures: WITH_USERS,
    feed: 'call_events',
    holdsOnly: TAGGED,
    partitionBy: 'toYYYYMM(hour)',
    orderBy: ['toDate(hour)', 'team_id', 'hour', 'tags', 'model', 'service', 'model_type', 'source'],
    ...hourTtl,
  },
  {
    name: 'usage_tags_1d',
    why:
      "Tagged calls by every dimension and the call's sorted tag set per UTC day (forever): tag filters with " +
      'users, keys or models over long ranges.',
    grain: 'day',
    dimensions: [TEAM, USER, API_KEY, SERVICE, MODEL, MODEL_TYPE, SOURCE, TAG],
    measures: WITHOUT_USERS,
    feed: 'call_events',
    holdsOnly: TAGGED,
    partitionBy: 'toYear(day)',
    orderBy: ['day', 'team_id', 'tags', 'user_id', 'api_key_id', 'model', 'service', 'model_type', 'source'],
    ...forever,
  },
];

const BY_NAME = new Map(ROLLUP_TABLES.map((t) => [t.name, t]));

export function rollupTable(name: RollupTableName): RollupTable {
  const table = BY_NAME.get(name);
  if (!table) throw new Error(`no catalog record for rollup ${name}`);
  return table;
}

/** A rollup's columns in table order: time, dimensions, measures. */
export function rollupColumns(table: RollupTable): Column[] {
  return [
    { name: GRAIN_COLUMN[table.grain].column, type: GRAIN_COLUMN[table.grain].type },
    ...DIMENSIONS.filter((d) => table.dimensions.includes(d.dimension)).map((d) => ({ name: d.column, type: d.type })),
    ...MEASURE_ORDER.filter((m) => table.measures.includes(m)).map((m) => ({
      name: MEASURE_COLUMNS[m].column,
      type: MEASURE_COLUMNS[m].rollupType,
    })),
  ];
}

/**
 * Raw call events, one row per accepted event, sorted by hour first, then team, in granules of
 * 2,048 rows (a call log page reads little around each of its rows). team_id is the nil UUID
 * for the personal space (a nullable sort key column would slow every query); cost and credits
 * are exact decimals (prices have up to 9 decimals per million tokens).
 */
export const RAW_TABLE = {
  name: 'call_events',
  partitionBy: 'toYYYYMM(occurred_at)',
  orderBy: ['toStartOfHour(occurred_at)', 'team_id', 'user_id', 'occurred_at', 'event_id'],
  ttl: 'toDateTime(occurred_at) + INTERVAL 90 DAY',
  retentionMs: 90 * DAY,
  indexGranularity: 2048,
  settings: [DEDUP, TTL_DROP, 'min_compress_block_size = 8192'],
  skipIndexes: [
    { name: 'idx_event_id', expression: 'event_id', type: 'bloom_filter(0.001)', granularity: 4 },
    { name: 'idx_tags', expression: 'tags', type: 'bloom_filter(0.01)', granularity: 4 },
    // an SRE's call log for one key or user skips the granules that do not hold it
    { name: 'api_key_bloom', expression: 'api_key_id', type: 'bloom_filter(0.01)', granularity: 1 },
    { name: 'user_bloom', expression: 'user_id', type: 'bloom_filter(0.01)', granularity: 1 },
    // callLog(requestId:) and callLogs(requestId:) read the few granules that may hold a gateway request id
    { name: 'idx_request_id', expression: 'request_id', type: 'bloom_filter(0.001)', granularity: 4 },
  ],
} as const satisfies TableLayout & { name: 'call_events'; skipIndexes: readonly SkipIndex[] };

/**
 * Raw columns that are neither a dimension nor a measure's own column, each placed after another one;
 * the ingest path's own (price id, Kafka position, ingest time) are left out of the SQL relations.
 */
const RAW_OTHER_COLUMNS: readonly PlacedColumn[] = [
  { name: 'occurred_at', type: "DateTime64(3, 'UTC')", after: 'event_id' },
  { name: 'latency_ms', type: 'UInt32', after: 'cache_write_tokens' },
  { name: 'ttft_ms', type: 'Nullable(UInt32)', after: 'latency_ms' },
  { name: 'status', type: 'LowCardinality(String)', after: 'ttft_ms' },
  { name: 'http_status', type: 'Nullable(UInt16)', after: 'status' },
  { name: 'error_code', type: 'Nullable(String)', after: 'http_status' },
  { name: 'tags', type: 'Array(String)', after: 'error_code' },
  { name: 'request_id', type: 'Nullable(String)', after: 'tags' },
  { name: 'price_id', type: 'String', after: 'credits', hiddenFromSql: true },
  { name: 'priced', type: 'Bool', after: 'price_id' },
  { name: 'kafka_partition', type: 'UInt32', after: 'priced', hiddenFromSql: true },
  { name: 'kafka_offset', type: 'UInt64', after: 'kafka_partition', hiddenFromSql: true },
  {
    name: 'ingested_at',
    type: "DateTime64(3, 'UTC')",
    default: 'now64(3)',
    after: 'kafka_offset',
    hiddenFromSql: true,
  },
  // how the event came in: 'live' (the gateway, the HTTP intake) or 'replay' (cli dlq-replay), so a
  // restatement of a closed period can name its cause
  {
    name: 'origin',
    type: 'LowCardinality(String)',
    default: "'live'",
    after: 'cache_write_cost',
    hiddenFromSql: true,
  },
  // a call made with a test key (api_keys.test, looked up at ingest): kept raw, left out of the rollups
  { name: 'is_test', type: 'Bool', after: 'origin' },
];

/** Raw columns the engine fills itself: an insert leaves them out. */
export const ENGINE_FILLED_RAW_COLUMNS: readonly string[] = ['ingested_at'];

/**
 * What a rollup fed by the raw events keeps: no test calls, so every default usage read stays
 * on the rollups at the same cost; a read that asks for test calls reads the raw events.
 */
export const ROLLUP_KEEPS_RAW = 'NOT is_test';

interface PlacedColumn extends Column {
  readonly after: string;
}

/**
 * The raw table's columns in order: event_id, the fixed columns, the identity dimensions after
 * occurred_at, and each measure's own column after the one its record names.
 */
export function rawColumns(): Column[] {
  const identity = DIMENSIONS.filter((d) => !d.rawDetail);
  const dimensions = identity.map((d, i) => ({
    name: d.column,
    type: d.type,
    after: i === 0 ? 'occurred_at' : identity[i - 1].column,
  }));
  const measures = MEASURE_ORDER.flatMap((m): PlacedColumn[] => {
    const record: MeasureColumn = MEASURE_COLUMNS[m];
    return record.raw
      ? [
          {
            name: record.column,
            type: record.raw.type,
            after: record.raw.after,
            ...(record.hiddenFromSql ? { hiddenFromSql: true } : {}),
          },
        ]
      : [];
  });
  const first = { name: 'event_id', type: 'String', after: null };
  return placedInOrder([first, ...RAW_OTHER_COLUMNS, ...dimensions, ...measures]).map(
    ({ after: _, ...column }) => column,
  );
}
