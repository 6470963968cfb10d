import { Injectable } from '@nestjs/common';
import { ClickHouseGateway } from '@app/clickhouse';
import { BadUserInputError } from '@app/errors';
import { UsageFilterInput } from './dto/usage-filter.input';
import { CallLog, CallLogConnection } from './dto/usage-types';
import { resolveRange } from './time-range';
import { camelName, EVENT_MEASURE_COLUMNS, EventMeasureColumn, Measure } from '@app/catalog';
import { buildWhere, RAW_HOUR_BOUNDS } from './query/where-clause';
import { planned, UsageAggregator } from './usage-aggregator';
import { normalizeDecimal } from './usage-totals';
import { PERSONAL_SPACE_TEAM_ID } from '@app/ingest';

const CALL_LOG_COLUMNS = [
  'event_id',
  'toUnixTimestamp64Milli(occurred_at) AS occurred_ms',
  'toString(team_id) AS team_text',
  'toString(user_id) AS user_text',
  'toString(api_key_id) AS api_key_text',
  'service, model, model_type, source',
  EVENT_MEASURE_COLUMNS.join(', '),
  'latency_ms, ttft_ms, status, http_status, error_code',
  'toString(cost) AS cost_text, tags, request_id',
].join(', ');

const WINDOW_START = 'occurred_at >= fromUnixTimestamp64Milli({windowFrom:Int64})';

export interface CallLogArgs {
  statuses?: string[];
  minLatencyMs?: number;
  maxLatencyMs?: number;
  minTokens?: number;
  maxTokens?: number;
  first: number;
  after?: string;
}

/** A call log row: the columns below and each count the event carries (EVENT_MEASURE_COLUMNS). */
type CallLogRow = Record<EventMeasureColumn, number> & {
  event_id: string;
  occurred_ms: string;
  team_text: string;
  user_text: string;
  api_key_text: string;
  service: string;
  model: string;
  model_type: string;
  source: string;
  latency_ms: number;
  ttft_ms: number | null;
  status: string;
  http_status: number | null;
  error_code: string | null;
  cost_text: string;
  tags: string[];
  request_id: string | null;
};

/** Cursor = the (occurred_at, event_id) of the last row seen: newer events never shift a page. */
function encodeCursor(ms: number, eventId: string): string {
  return Buffer.from(JSON.stringify([ms, eventId])).toString('base64url');
}

function decodeCursor(cursor: string): { ms: number; eventId: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    const [ms, eventId] = Array.isArray(parsed) ? (parsed as unknown[]) : [];
    if (typeof ms === 'number' && Number.isSafeInteger(ms) && typeof eventId === 'string') return { ms, eventId };
  } catch {
    // fall through
  }
  throw new BadUserInputError('after: not a cursor of this list');
}

/**
 * Raw events, newest first, for the SRE's log view. Output aliases never reuse a column name:
 * ClickHouse resolves WHERE identifiers to SELECT aliases first.
 */
const HOUR_MS = 3_600_000;
const LOG_WINDOWS_MS = [HOUR_MS, 24 * HOUR_MS, 7 * 24 * HOUR_MS, Number.POSITIVE_INFINITY];

@Injectable()
export class CallLogsQuery {
  constructor(
    private readonly clickhouse: ClickHouseGateway,
    private readonly aggregator: UsageAggregator,
  ) {}

  async execute(filter: UsageFilterInput, args: CallLogArgs, now = Date.now()): Promise<CallLogConnection> {
    if (args.first < 1 || args.first > 500) throw new BadUserInputError('first: between 1 and 500');
    const range = resolveRange(filter.range, now);
    const where = buildWhere(filter, [{ from: range.from.getTime(), to: range.to.getTime() }], 'call_events');
    const conditions = [where.sql];
    const params: Record<string, unknown> = { ...where.params };
    if (args.statuses?.length) {
      conditions.push('status IN {statuses:Array(String)}');
      params.statuses = args.statuses;
    }
    if (args.minLatencyMs !== undefined) {
      conditions.push('latency_ms >= {minLatency:UInt32}');
      params.minLatency = args.minLatencyMs;
    }
    if (args.maxLatencyMs !== undefined) {
      conditions.push('latency_ms <= {maxLatency:UInt32}');
      params.maxLatency = args.maxLatencyMs;
    }
    if (args.minTokens !== undefined) {
      conditions.push('input_tokens + output_tokens >= {minTokens:UInt64}');
      params.minTokens = args.minTokens;
    }
    if (args.maxTokens !== undefined) {
      conditions.push('input_tokens + output_tokens <= {maxTokens:UInt64}');
      params.maxTokens = args.maxTokens;
    }
    const total = this.total(filter, args, range, conditions, params, now);
    let upper = range.to.getTime();
    if (args.after) {
      const cursor = decodeCursor(args.after);
      conditions.push('(occurred_at, event_id) < (fromUnixTimestamp64Milli({cursorMs:Int64}), {cursorId:String})');
      params.cursorMs = cursor.ms;
      params.cursorId = cursor.eventId;
      upper = Math.min(cursor.ms + 1, upper);
    }
    const rowsRead = this.newestFirst(conditions, params, range.from.getTime(), upper, args.first + 1);
    const [rows, totalCount] = await Promise.all([rowsRead, total]);
    const page = rows.slice(0, args.first);
    return {
      totalCount,
      pageInfo: {
        hasNextPage: rows.length > args.first,
        endCursor: page.length ? encodeCursor(Number(page.at(-1)!.occurred_ms), page.at(-1)!.event_id) : null,
      },
      edges: page.map((r) => ({ cursor: encodeCursor(Number(r.occurred_ms), r.event_id), node: toCallLog(r) })),
    };
  }

  /**
   * The newest `limit` matching rows. Windows growing back from the upper end usually fill a
   * page from the last hour (raw events are sorted by hour first, so that reads the last hour
   * only), and only a sparse filter reads further.
   */
  private async newestFirst(
    conditions: string[],
    params: Record<string, unknown>,
    from: number,
    upper: number,
    limit: number,
  ): Promise<CallLogRow[]> {
    for (const span of LOG_WINDOWS_MS) {
      const windowFrom = Math.max(from, upper - span);
      const rows = await this.clickhouse.query<CallLogRow>(
        `SELECT ${CALL_LOG_COLUMNS}
         FROM call_events WHERE ${[...conditions, WINDOW_START, ...RAW_HOUR_BOUNDS('windowFrom')].join(' AND ')}
         ORDER BY occurred_at DESC, event_id DESC LIMIT {limit:UInt32}`,
        { params: { ...params, windowFrom, limit } },
      );
      if (rows.length >= limit || windowFrom === from) return rows;
    }
    throw new Error('unreachable: the last window reaches the start of the range');
  }

  /**
   * Events matching the filter. Without latency or token bounds that is a usage total, which
   * the rollups answer (statuses are success or error: their own columns); otherwise raw counts.
   */
  private async total(
    filter: UsageFilterInput,
    args: CallLogArgs,
    range: ReturnType<typeof resolveRange>,
    conditions: string[],
    params: Record<string, unknown>,
    now: number,
  ): Promise<number> {
    const bounded = [args.minLatencyMs, args.maxLatencyMs, args.minTokens, args.maxTokens].some((v) => v !== undefined);
    if (bounded) {
      const [{ total }] = await this.clickhouse.query<{ total: string }>(
        `SELECT count() AS total FROM call_events WHERE ${conditions.join(' AND ')}`,
        {
          params: { ...params },
        },
      );
      return Number(total);
    }
    const from = range.from.getTime();
    const to = range.to.getTime();
    const measures = new Set<Measure>(args.statuses?.length ? ['successes', 'errors'] : []);
    const [totals] = await this.aggregator.aggregate(
      planned({ filter, from, to, now, timeZone: range.timeZone, measures }),
    );
    if (!totals) return 0;
    if (!args.statuses?.length) return totals.requests;
    return (
      (args.statuses.includes('success') ? totals.successes : 0) + (args.statuses.includes('error') ? totals.errors : 0)
    );
  }
}

function toCallLog(r: CallLogRow): CallLog {
  const log = {
    eventId: r.event_id,
    occurredAt: new Date(Number(r.occurred_ms)),
    teamId: r.team_text === PERSONAL_SPACE_TEAM_ID ? null : r.team_text,
    userId: r.user_text,
    apiKeyId: r.api_key_text,
    service: r.service,
    model: r.model,
    modelType: r.model_type,
    source: r.source,
    latencyMs: r.latency_ms,
    ttftMs: r.ttft_ms,
    status: r.status,
    httpStatus: r.http_status,
    errorCode: r.error_code,
    cost: normalizeDecimal(r.cost_text),
    tags: r.tags,
    requestId: r.request_id,
  } as CallLog;
  for (const column of EVENT_MEASURE_COLUMNS) log[camelName(column)] = r[column];
  return log;
}
