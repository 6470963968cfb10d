import { Injectable } from '@nestjs/common';
import { ClickHouseGateway } from '@app/clickhouse';
import { BadUserInputError } from '@app/errors';
import { UsageFilterInput } from './dto/usage-filter.input';
import { CallLogOrder } from './dto/call-log-order';
import { CallLog, CallLogConnection } from './dto/usage-types';
import { ListCursors, listFingerprint } from './list-cursor';
import { resolveRange } from './time-range';
import { camelName, COST_ADJUSTMENTS, EVENT_MEASURE_COLUMNS, EventMeasureColumn, Measure } from '@app/catalog';
import { fromAmountUnits, toAmountUnits } from '@app/pricing';
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
  'toString(cost) AS cost_text, tags, request_id, is_test',
].join(', ');

export interface CallLogArgs {
  statuses?: string[];
  minLatencyMs?: number;
  maxLatencyMs?: number;
  minTokens?: number;
  maxTokens?: number;
  requestId?: string;
  httpStatuses?: number[];
  errorCodes?: string[];
  orderBy?: CallLogOrder;
  descending?: boolean;
  first: number;
  after?: string;
}

/** Whose calls a caller may read: everyone's, or their own and those of the teams they manage. */
export type CallLogReach = { everyone: true } | { everyone: false; userId: string; teamIds: string[] };

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
  is_test: boolean;
  order_text?: string;
};

/**
 * The sort value of each order other than time, and its query parameter type. A missing time
 * to first token sorts last whichever the direction: below every value going down, above every
 * UInt32 going up. Output aliases never reuse a column name: ClickHouse resolves WHERE
 * identifiers to SELECT aliases first.
 */
const ORDER_KEYS: Record<
  Exclude<CallLogOrder, CallLogOrder.OCCURRED_AT>,
  { sql(desc: boolean): string; type: string }
> = {
  [CallLogOrder.LATENCY]: { sql: () => 'latency_ms', type: 'UInt32' },
  [CallLogOrder.TTFT]: {
    sql: (desc) => `ifNull(toInt64(ttft_ms), ${desc ? -1 : 2 ** 32})`,
    type: 'Int64',
  },
  [CallLogOrder.COST]: { sql: () => 'cost', type: 'Decimal(38, 15)' },
  [CallLogOrder.TOTAL_TOKENS]: { sql: () => 'input_tokens + output_tokens', type: 'UInt64' },
};

/** Where a page starts: after the row with this sort value (none when sorted by time), time and event id. */
interface Position {
  value: string | null;
  ms: number;
  eventId: string;
}

/** A call log question, ready to page through. */
interface CallLogList {
  conditions: string[];
  params: Record<string, unknown>;
  from: number;
  to: number;
  order: CallLogOrder;
  descending: boolean;
  fingerprint: string;
}

const DECIMAL_TEXT = /^-?\d{1,40}(\.\d{1,20})?$/;
const EVENT_ID = /^[0-9A-Za-z-]{1,64}$/;
// the event schema's event_id: a UUID or a ULID
const EVENT_ID_FORMAT =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26})$/;
const MAX_LIST = 100;
const MAX_TEXT = 128;

const HOUR_MS = 3_600_000;
const LOG_WINDOWS_MS = [HOUR_MS, 24 * HOUR_MS, 7 * 24 * HOUR_MS, Number.POSITIVE_INFINITY];

/**
 * Raw events for the SRE's log view: filtered, sorted by time, latency, time to first token,
 * cost or tokens, paged by keyset on (sort value, occurred_at, event_id) so that pages neither
 * skip nor repeat a row, whatever the ties and whatever arrives meanwhile.
 */
@Injectable()
export class CallLogsQuery {
  constructor(
    private readonly clickhouse: ClickHouseGateway,
    private readonly aggregator: UsageAggregator,
    private readonly cursors: ListCursors,
  ) {}

  async execute(filter: UsageFilterInput, args: CallLogArgs, now = Date.now()): Promise<CallLogConnection> {
    if (args.first < 1 || args.first > 500) throw new BadUserInputError('first: between 1 and 500');
    const range = resolveRange(filter.range, now);
    const list = this.list(filter, args, range);
    const after = args.after ? this.position(args.after, list) : undefined;
    const total = this.total(filter, args, range, list, now);
    const [rows, totalCount] = await Promise.all([this.page(list, after, args.first + 1), total]);
    const page = await this.repriced(rows.slice(0, args.first));
    const cursor = (r: CallLogRow) =>
      this.cursors.encode(list.fingerprint, [r.order_text ?? null, Number(r.occurred_ms), r.event_id]);
    return {
      totalCount,
      pageInfo: { hasNextPage: rows.length > args.first, endCursor: page.length ? cursor(page.at(-1)!) : null },
      edges: page.map((r) => ({ cursor: cursor(r), node: toCallLog(r) })),
    };
  }

  /** Every matching call in the list's order, `pageSize` rows per read (the CSV export). */
  async *all(filter: UsageFilterInput, args: Omit<CallLogArgs, 'first' | 'after'>, pageSize: number) {
    const list = this.list(filter, { ...args, first: pageSize }, resolveRange(filter.range, Date.now()));
    for (let after: Position | undefined; ;) {
      const rows = await this.page(list, after, pageSize);
      if (rows.length) yield (await this.repriced(rows)).map(toCallLog);
      if (rows.length < pageSize) return;
      const last = rows.at(-1)!;
      after = { value: last.order_text ?? null, ms: Number(last.occurred_ms), eventId: last.event_id };
    }
  }

  /**
   * One call by its event id, or the newest call carrying a gateway request id (a retried
   * request logs several events under one request id), among those the caller may read: null
   * when there is none, whether it does not exist or belongs to someone else. The bloom filter
   * indexes on event_id and request_id skip the granules that do not hold it.
   */
  async one(key: { eventId?: string | null; requestId?: string | null }, reach: CallLogReach): Promise<CallLog | null> {
    const { eventId, requestId } = key;
    if ((eventId == null) === (requestId == null))
      throw new BadUserInputError('give exactly one of eventId, requestId');
    const params: Record<string, unknown> = {};
    const conditions: string[] = [];
    if (eventId != null) {
      if (!EVENT_ID_FORMAT.test(eventId)) throw new BadUserInputError('eventId: a UUID or a ULID');
      conditions.push('event_id = {eventId:String}');
      params.eventId = eventId;
    } else {
      if (!requestId || requestId.length > MAX_TEXT)
        throw new BadUserInputError(`requestId: 1 to ${MAX_TEXT} characters`);
      conditions.push('request_id = {requestId:String}');
      params.requestId = requestId;
    }
    if (!reach.everyone) {
      conditions.push('(user_id = {reachUser:UUID} OR team_id IN {reachTeams:Array(UUID)})');
      Object.assign(params, { reachUser: reach.userId, reachTeams: reach.teamIds });
    }
    const [row] = await this.clickhouse.query<CallLogRow>(
      `SELECT ${CALL_LOG_COLUMNS} FROM call_events WHERE ${conditions.join(' AND ')}
       ORDER BY occurred_at DESC, event_id DESC LIMIT 1`,
      { params },
    );
    return row ? toCallLog((await this.repriced([row]))[0]) : null;
  }

  /**
   * The rows with what repricing runs changed on them (cost_adjustments, by event id): the cost a
   * call log shows is the event's cost now (sorting by COST still reads the stored cost).
   */
  private async repriced(rows: CallLogRow[]): Promise<CallLogRow[]> {
    if (rows.length === 0) return rows;
    const deltas = await this.clickhouse.query<{ event_id: string; delta: string }>(
      `SELECT event_id, toString(sum(cost)) AS delta FROM ${COST_ADJUSTMENTS.name}
       WHERE event_id IN {ids:Array(String)} GROUP BY event_id`,
      { params: { ids: rows.map((r) => r.event_id) } },
    );
    if (deltas.length === 0) return rows;
    const byEvent = new Map(deltas.map((d) => [d.event_id, toAmountUnits(d.delta)]));
    return rows.map((r) => {
      const delta = byEvent.get(r.event_id);
      return delta === undefined ? r : { ...r, cost_text: fromAmountUnits(toAmountUnits(r.cost_text) + delta) };
    });
  }

  private list(filter: UsageFilterInput, args: CallLogArgs, range: ReturnType<typeof resolveRange>): CallLogList {
    const from = range.from.getTime();
    const to = range.to.getTime();
    const where = buildWhere(filter, [{ from, to }], 'call_events');
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
    if (args.requestId !== undefined) {
      if (!args.requestId || args.requestId.length > MAX_TEXT)
        throw new BadUserInputError(`requestId: 1 to ${MAX_TEXT} characters`);
      conditions.push('request_id = {requestId:String}');
      params.requestId = args.requestId;
    }
    if (args.httpStatuses?.length) {
      if (
        args.httpStatuses.length > MAX_LIST ||
        args.httpStatuses.some((s) => !Number.isInteger(s) || s < 100 || s > 599)
      )
        throw new BadUserInputError(`httpStatuses: up to ${MAX_LIST} HTTP statuses, 100 to 599`);
      conditions.push('http_status IN {httpStatuses:Array(UInt16)}');
      params.httpStatuses = args.httpStatuses;
    }
    if (args.errorCodes?.length) {
      if (args.errorCodes.length > MAX_LIST || args.errorCodes.some((c) => c.length > MAX_TEXT))
        throw new BadUserInputError(`errorCodes: up to ${MAX_LIST} codes of up to ${MAX_TEXT} characters`);
      conditions.push('error_code IN {errorCodes:Array(String)}');
      params.errorCodes = args.errorCodes;
    }
    const order = args.orderBy ?? CallLogOrder.OCCURRED_AT;
    const descending = args.descending ?? true;
    const { first: _first, after: _after, ...question } = args;
    const fingerprint = listFingerprint({ filter, ...question, orderBy: order, descending });
    return { conditions, params, from, to, order, descending, fingerprint };
  }

  private position(cursor: string, list: CallLogList): Position {
    const [value, ms, eventId] = this.cursors.decode(cursor, list.fingerprint);
    const byTime = list.order === CallLogOrder.OCCURRED_AT;
    const valueOk = byTime ? value === null : typeof value === 'string' && DECIMAL_TEXT.test(value);
    if (
      !valueOk ||
      typeof ms !== 'number' ||
      !Number.isSafeInteger(ms) ||
      typeof eventId !== 'string' ||
      !EVENT_ID.test(eventId)
    )
      throw new BadUserInputError('after: not a cursor of this list');
    return { value: value as string | null, ms, eventId };
  }

  /** The next `limit` rows after `after`, in the list's order. */
  private page(list: CallLogList, after: Position | undefined, limit: number): Promise<CallLogRow[]> {
    const conditions = [...list.conditions];
    const params: Record<string, unknown> = { ...list.params, limit };
    const direction = list.descending ? 'DESC' : 'ASC';
    const key = list.order === CallLogOrder.OCCURRED_AT ? undefined : ORDER_KEYS[list.order];
    const keySql = key?.sql(list.descending);
    if (after) {
      const past = list.descending ? '<' : '>';
      const mine = ['occurred_at', 'event_id'];
      const theirs = ['fromUnixTimestamp64Milli({cursorMs:Int64})', '{cursorId:String}'];
      if (key) {
        mine.unshift(keySql!);
        theirs.unshift(`{cursorValue:${key.type}}`);
        params.cursorValue = after.value;
      }
      conditions.push(`(${mine.join(', ')}) ${past} (${theirs.join(', ')})`);
      Object.assign(params, { cursorMs: after.ms, cursorId: after.eventId });
    }
    const columns = keySql ? `${CALL_LOG_COLUMNS}, toString(${keySql}) AS order_text` : CALL_LOG_COLUMNS;
    const orderBy = [...(keySql ? [keySql] : []), 'occurred_at', 'event_id'].map((c) => `${c} ${direction}`).join(', ');
    const select = (extra: string[]) =>
      `SELECT ${columns} FROM call_events WHERE ${[...conditions, ...extra].join(' AND ')}
       ORDER BY ${orderBy} LIMIT {limit:UInt32}`;
    if (key) return this.clickhouse.query<CallLogRow>(select([]), { params });
    let from = list.from;
    let to = list.to;
    if (after) {
      if (list.descending) to = Math.min(to, after.ms + 1);
      else from = Math.max(from, after.ms);
    }
    return this.byTime(select, params, from, to, list.descending, limit);
  }

  /**
   * Sorted by time: windows growing from the end the page starts at usually fill a page from
   * the first hour (raw events are sorted by hour first, so that reads that hour only), and
   * only a sparse filter reads further.
   */
  private async byTime(
    select: (extra: string[]) => string,
    params: Record<string, unknown>,
    from: number,
    to: number,
    descending: boolean,
    limit: number,
  ): Promise<CallLogRow[]> {
    const window = [
      'occurred_at >= fromUnixTimestamp64Milli({windowFrom:Int64})',
      'occurred_at < fromUnixTimestamp64Milli({windowTo:Int64})',
      ...RAW_HOUR_BOUNDS('windowFrom', 'windowTo'),
    ];
    for (const span of LOG_WINDOWS_MS) {
      const windowFrom = descending ? Math.max(from, to - span) : from;
      const windowTo = descending ? to : Math.min(to, from + span);
      const rows = await this.clickhouse.query<CallLogRow>(select(window), {
        params: { ...params, windowFrom, windowTo },
      });
      if (rows.length >= limit || (windowFrom === from && windowTo === to)) return rows;
    }
    throw new Error('unreachable: the last window covers the whole range');
  }

  /**
   * Events matching the filter. Without latency, token, request, HTTP status or error code
   * bounds that is a usage total, which the rollups answer (statuses are success or error: their
   * own columns); otherwise raw counts.
   */
  private async total(
    filter: UsageFilterInput,
    args: CallLogArgs,
    range: ReturnType<typeof resolveRange>,
    list: CallLogList,
    now: number,
  ): Promise<number> {
    const rawOnly =
      [args.minLatencyMs, args.maxLatencyMs, args.minTokens, args.maxTokens, args.requestId].some(
        (v) => v !== undefined,
      ) ||
      !!args.httpStatuses?.length ||
      !!args.errorCodes?.length;
    if (rawOnly) {
      const [{ total }] = await this.clickhouse.query<{ total: string }>(
        `SELECT count() AS total FROM call_events WHERE ${list.conditions.join(' AND ')}`,
        { params: { ...list.params } },
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
    test: r.is_test,
  } as CallLog;
  for (const column of EVENT_MEASURE_COLUMNS) log[camelName(column)] = r[column];
  return log;
}
