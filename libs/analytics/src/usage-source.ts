import { Granularity, UsageDimension } from './dto/usage-enums';
import { UsageFilterInput } from './dto/usage-filter.input';
import { MAX_FUTURE_SKEW_MS } from '@app/ingest';
import { zoneOffsetMs } from './time-range';
import { ALL_MEASURES, Measure } from './usage-metrics';

export type UsageSource =
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
  | 'call_events';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const GRANULARITY_MS: Record<Exclude<Granularity, Granularity.DAY>, number> = {
  [Granularity.MINUTE]: MINUTE,
  [Granularity.FIVE_MINUTES]: 5 * MINUTE,
  [Granularity.HOUR]: HOUR,
};

const TEAM_LEVEL = [UsageDimension.TEAM, UsageDimension.SERVICE, UsageDimension.MODEL, UsageDimension.MODEL_TYPE, UsageDimension.SOURCE];
const TEAM_TOTALS = [UsageDimension.TEAM, UsageDimension.SOURCE];
const PLATFORM_LEVEL = [UsageDimension.SERVICE, UsageDimension.MODEL, UsageDimension.MODEL_TYPE, UsageDimension.SOURCE];
const KEY_LEVEL = [UsageDimension.TEAM, UsageDimension.USER, UsageDimension.API_KEY, UsageDimension.SERVICE, UsageDimension.SOURCE];
const USER_MODELS = [UsageDimension.TEAM, UsageDimension.USER, UsageDimension.MODEL];
const TEAM_MODELS = [UsageDimension.TEAM, UsageDimension.MODEL];
const USER_LEVEL = [UsageDimension.TEAM, UsageDimension.USER];
const EVERY = Object.values(UsageDimension);

interface SourceFacts {
  grainMs: number;
  /** per DESIGN.md; a source answers only inside it (with a minute of slack at the edge) */
  retentionMs: number;
  /** the filters and dimensions it can answer */
  dimensions: ReadonlySet<UsageDimension>;
  /** the measures it holds besides requests; every one when absent */
  measures?: ReadonlySet<Measure>;
}

const fact = (grainMs: number, retentionMs: number, dimensions: UsageDimension[], measures?: Measure[]): SourceFacts => ({
  grainMs,
  retentionMs,
  dimensions: new Set(dimensions),
  measures: measures && new Set(measures),
});

const SOURCES: Record<UsageSource, SourceFacts> = {
  usage_platform_totals_1d: fact(DAY, Number.POSITIVE_INFINITY, [UsageDimension.SOURCE]),
  usage_platform_totals_1h: fact(HOUR, 400 * DAY, [UsageDimension.SOURCE]),
  usage_platform_totals_1m: fact(MINUTE, 14 * DAY, [UsageDimension.SOURCE]),
  usage_platform_1h: fact(HOUR, 400 * DAY, PLATFORM_LEVEL),
  usage_team_totals_1d: fact(DAY, Number.POSITIVE_INFINITY, TEAM_TOTALS),
  usage_team_totals_1h: fact(HOUR, 400 * DAY, TEAM_TOTALS),
  usage_team_1h: fact(HOUR, 400 * DAY, TEAM_LEVEL),
  usage_team_1m: fact(MINUTE, 14 * DAY, TEAM_LEVEL),
  usage_key_1d: fact(DAY, Number.POSITIVE_INFINITY, KEY_LEVEL),
  usage_user_1d: fact(DAY, Number.POSITIVE_INFINITY, USER_LEVEL, [...ALL_MEASURES].filter((m) => m !== 'callsBySource')),
  usage_key_1h: fact(HOUR, 400 * DAY, KEY_LEVEL),
  usage_detail_1d: fact(DAY, Number.POSITIVE_INFINITY, EVERY),
  usage_user_models_1h: fact(HOUR, 400 * DAY, USER_MODELS, []),
  usage_user_models_1d: fact(DAY, Number.POSITIVE_INFINITY, USER_MODELS, []),
  usage_team_models_1d: fact(DAY, Number.POSITIVE_INFINITY, TEAM_MODELS, []),
  call_events: fact(1, 90 * DAY, EVERY),
};

/** Rollups without a user column keep a uniq state of the users instead. */
export function keepsUserState(source: UsageSource): boolean {
  return !SOURCES[source].dimensions.has(UsageDimension.USER);
}

/** The source's time column as a DateTime in UTC. */
export function timeColumn(source: UsageSource): string {
  if (source === 'call_events') return 'occurred_at';
  const grain = SOURCES[source].grainMs;
  return grain === DAY ? "toDateTime(day, 'UTC')" : grain === HOUR ? 'hour' : 'minute';
}

export function isDaySource(source: UsageSource): boolean {
  return SOURCES[source].grainMs === DAY;
}

const FILTER_DIMENSION: Record<string, UsageDimension> = {
  teamIds: UsageDimension.TEAM,
  userIds: UsageDimension.USER,
  apiKeyIds: UsageDimension.API_KEY,
  services: UsageDimension.SERVICE,
  models: UsageDimension.MODEL,
  modelTypes: UsageDimension.MODEL_TYPE,
  sources: UsageDimension.SOURCE,
};

/**
 * Coarsest grain first, and within a grain the smallest table, among the sources that hold the
 * dimensions; except that the platform hour rollups (no team column) go before the user-model
 * and detail day rollups, which hold more rows per day than they do (100M events: 180,000 and
 * 237,000 against 5,800).
 */
const BY_PREFERENCE: UsageSource[] = [
  'usage_platform_totals_1d',
  'usage_team_totals_1d',
  'usage_user_1d',
  'usage_key_1d',
  'usage_team_models_1d',
  'usage_platform_totals_1h',
  'usage_platform_1h',
  'usage_user_models_1d',
  'usage_detail_1d',
  'usage_team_totals_1h',
  'usage_team_1h',
  'usage_key_1h',
  'usage_user_models_1h',
  'usage_platform_totals_1m',
  'usage_team_1m',
  'call_events',
];

export interface PlanRequest {
  filter: UsageFilterInput;
  from: number;
  to: number;
  timeZone: string;
  /** bucketing of the answer, if any */
  granularity?: Granularity;
  dimension?: UsageDimension;
  secondDimension?: UsageDimension;
  /** what the reads will compute (default: every measure) */
  measures?: ReadonlySet<Measure>;
  now: number;
}

/** Part of a range answered from one source. */
export interface UsageSegment {
  source: UsageSource;
  from: number;
  to: number;
}

/** Segments in time order covering [from, to) exactly once; the last may run on into a future that holds no events yet. */
export type UsagePlan = UsageSegment[];

/**
 * Splits the range into segments, each answered from the coarsest source that can: the
 * aligned interior of the range from a rollup whose grain every bucket start inside it falls
 * on, within its retention, holding every filtered or grouped dimension and every measure to
 * compute; the unaligned edges (a custom range's minutes, the last hour's) from finer sources,
 * down to raw. Tags live only in the raw table.
 */
export function planUsage(req: PlanRequest): UsagePlan {
  const dims = Object.entries(FILTER_DIMENSION)
    .filter(([key]) => ((req.filter as unknown as Record<string, unknown[] | undefined>)[key]?.length ?? 0) > 0)
    .map(([, d]) => d);
  if (req.dimension) dims.push(req.dimension);
  if (req.secondDimension) dims.push(req.secondDimension);
  const needsTags = (req.filter.tags?.length ?? 0) > 0;
  const order: UsageSource[] = needsTags ? ['call_events'] : BY_PREFERENCE;
  const measures = [...(req.measures ?? ALL_MEASURES)];
  const candidates = order.filter((source) => {
    const facts = SOURCES[source];
    return dims.every((d) => facts.dimensions.has(d)) && (!facts.measures || measures.every((m) => facts.measures!.has(m)));
  });
  const bucketPoints = req.granularity ? bucketStarts(req.from, req.to, req.granularity, req.timeZone) : [];
  return segment(req.from, req.to, candidates, bucketPoints, req.now, req.to >= req.now + FUTURE_HORIZON_MS);
}

/**
 * No accepted event is stamped more than the ingest's skew limit after it arrived; with a
 * minute more for clocks, nothing lies past this far after now yet.
 */
const FUTURE_HORIZON_MS = MAX_FUTURE_SKEW_MS + MINUTE;

/**
 * With an open end (the range ends past the future horizon, as a day preset ending on the next
 * hour mostly does) the last segment may run on past `to`: today's row of a day rollup then
 * answers the range's part of today, instead of an hour rollup's rows for it.
 */
function segment(from: number, to: number, sources: UsageSource[], bucketPoints: number[], now: number, openEnd: boolean): UsagePlan {
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i];
    if (source === 'call_events') break;
    const grain = SOURCES[source].grainMs;
    const kept = now - SOURCES[source].retentionMs + MINUTE;
    const start = Math.ceil(Math.max(from, kept) / grain) * grain;
    const end = (openEnd ? Math.ceil : Math.floor)(to / grain) * grain;
    if (start >= end) continue;
    if (!bucketPoints.every((p) => p <= start || p >= end || p % grain === 0)) continue;
    const finer = sources.slice(i + 1);
    return [
      ...(from < start ? segment(from, start, finer, bucketPoints, now, false) : []),
      { source, from: start, to: end },
      ...(end < to ? segment(end, to, finer, bucketPoints, now, openEnd) : []),
    ];
  }
  return [{ source: 'call_events', from, to }];
}

/** Bucket start instants (UTC ms) covering [from, to) in `timeZone`; the first may start before `from`. */
export function bucketStarts(from: number, to: number, granularity: Granularity, timeZone: string): number[] {
  const starts: number[] = [];
  let b = bucketStart(from, granularity, timeZone);
  while (b < to) {
    starts.push(b);
    b = nextBucket(b, granularity, timeZone);
  }
  return starts;
}

export function bucketStart(at: number, granularity: Granularity, timeZone: string): number {
  const offset = zoneOffsetMs(timeZone, at);
  if (granularity === Granularity.DAY) {
    const localMidnight = Math.floor((at + offset) / DAY) * DAY;
    return localMidnight - zoneOffsetMs(timeZone, localMidnight - offset);
  }
  const size = GRANULARITY_MS[granularity];
  return at - (((at + offset) % size) + size) % size;
}

function nextBucket(start: number, granularity: Granularity, timeZone: string): number {
  if (granularity !== Granularity.DAY) return start + GRANULARITY_MS[granularity];
  // a local day lasts 23 to 25 hours; the next midnight is the start of the day 30 hours on
  return bucketStart(start + 30 * HOUR, Granularity.DAY, timeZone);
}

export function bucketMinutes(start: number, granularity: Granularity, timeZone: string): number {
  return (nextBucket(start, granularity, timeZone) - start) / MINUTE;
}
