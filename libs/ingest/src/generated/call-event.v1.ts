/* Generated from schemas/events by scripts/generate-event-types.ts. Do not edit. */

/**
 * One model call, as produced to Kafka topic calls.v1 (key: team_id, or user_id for the personal space). A count with x-part-of is a part of the count it names: the parts of one count add up to at most that count.
 */
export interface CallEventV1 {
  /**
   * Idempotency key, a UUID or a ULID: the same id counts once within the dedup window.
   */
  event_id: string;
  /**
   * RFC 3339 timestamp with milliseconds; not more than 5 minutes in the future, not before 2000. Offsets are ±hh:mm (or ±hhmm), fractions beyond milliseconds are truncated, a leap second hh:mm:60 (only at 23:59 UTC) is stored as hh:mm:59.999; 24:00:00 and hour-only offsets are refused (libs/ingest/src/event-time.ts).
   */
  occurred_at: string;
  /**
   * null means the caller's personal space.
   */
  team_id: string | null;
  user_id: string;
  api_key_id: string;
  service: string;
  model: string;
  model_type: 'text' | 'vision' | 'multimodal' | 'embedding' | 'image' | 'audio';
  source: 'business' | 'internal';
  /**
   * Every prompt token, cache reads and writes included.
   */
  input_tokens: number;
  output_tokens: number;
  /**
   * The part of output_tokens spent on reasoning (priced as output); at most output_tokens. Absent: 0.
   */
  reasoning_tokens?: number;
  /**
   * The part of input_tokens read from the cache.
   */
  cache_read_tokens: number;
  /**
   * The part of input_tokens written to the cache.
   */
  cache_write_tokens: number;
  latency_ms: number;
  ttft_ms?: number | null;
  status: 'success' | 'error';
  http_status?: number | null;
  error_code?: string | null;
  /**
   * @maxItems 16
   */
  tags?: string[];
  request_id?: string | null;
}
