import {
  EVENT_MEASURE_COLUMNS,
  EventMeasureColumn,
  PRICING_MEASURE_COLUMNS,
  PricingMeasureColumn,
  rawColumns,
} from '@app/catalog';
import { occurredAtMs } from './event-time';
import type { CallEventV1 } from './generated/call-event.v1';

export const PERSONAL_SPACE_TEAM_ID = '00000000-0000-0000-0000-000000000000';

/** Pricing's output for one call: its amounts (a column each) and the price version used. */
export type Pricing = Record<PricingMeasureColumn, string> & {
  priceId: string;
  priced: boolean;
};

export interface KafkaPosition {
  partition: number;
  offset: string;
}

/**
 * The call_events row of one validated, priced event: the columns below and a count per
 * catalogue measure the event carries (EVENT_MEASURE_COLUMNS, a field of the same name) and an
 * exact amount per measure pricing computes (PRICING_MEASURE_COLUMNS).
 */
export type CallEventRow = Record<EventMeasureColumn, number> &
  Record<PricingMeasureColumn, string> & {
    event_id: string;
    occurred_at: string;
    team_id: string;
    user_id: string;
    api_key_id: string;
    service: string;
    model: string;
    model_type: string;
    source: string;
    latency_ms: number;
    ttft_ms: number | null;
    status: string;
    http_status: number | null;
    error_code: string | null;
    tags: string[];
    request_id: string | null;
    price_id: string;
    priced: boolean;
    kafka_partition: number;
    kafka_offset: string;
  };

/**
 * ClickHouse reads DateTime64 text as `YYYY-MM-DD hh:mm:ss.sss`; the event says RFC 3339 with any
 * offset, read by the shared time rule (event-time.ts), never by `new Date(text)`.
 */
export function toClickHouseDateTime(at: string | number | Date): string {
  const ms = typeof at === 'string' ? occurredAtMs(at) : typeof at === 'number' ? at : at.getTime();
  const date = new Date(ms);
  if (!Number.isFinite(ms) || date.getUTCFullYear() < 1000 || date.getUTCFullYear() > 9999) {
    throw new RangeError(`not a time of a four-digit year: ${String(at)}`);
  }
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** Throws on an event that did not pass validation (see toRowOrReason, which catches that). */
export function toCallEventRow(event: CallEventV1, pricing: Pricing, position: KafkaPosition): CallEventRow {
  const row = {
    event_id: event.event_id,
    occurred_at: toClickHouseDateTime(event.occurred_at),
    team_id: event.team_id ?? PERSONAL_SPACE_TEAM_ID,
    user_id: event.user_id,
    api_key_id: event.api_key_id,
    service: event.service,
    model: event.model,
    model_type: event.model_type,
    source: event.source,
    latency_ms: event.latency_ms,
    ttft_ms: event.ttft_ms ?? null,
    status: event.status,
    http_status: event.http_status ?? null,
    error_code: event.error_code ?? null,
    tags: event.tags ?? [],
    request_id: event.request_id ?? null,
    price_id: pricing.priceId,
    priced: pricing.priced,
    kafka_partition: position.partition,
    kafka_offset: position.offset,
  } as CallEventRow;
  // an optional count the event leaves out is 0 (its schema default)
  for (const column of EVENT_MEASURE_COLUMNS) row[column] = event[column] ?? 0;
  for (const column of PRICING_MEASURE_COLUMNS) row[column] = pricing[column];
  return row;
}

/** The columns an insert sends, in table order: every raw column but those the engine fills (ingested_at). */
export const CALL_EVENT_COLUMNS: readonly (keyof CallEventRow)[] = rawColumns()
  .filter((c) => c.default === undefined)
  .map((c) => c.name as keyof CallEventRow);

export function toColumnValues(row: CallEventRow): unknown[] {
  return CALL_EVENT_COLUMNS.map((column) => row[column]);
}
