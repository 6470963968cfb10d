import { randomInt, randomUUID } from 'node:crypto';
import { camelName, EVENT_MEASURE_COLUMNS, EventMeasureValues } from '@app/catalog';
import { EVENT_COUNT_PARTS, type CallEventV1 } from '@app/ingest';

export function makeEvent(overrides: Partial<CallEventV1> = {}): CallEventV1 {
  const input = randomInt(1, 5000);
  const cacheRead = randomInt(0, Math.floor(input / 2) + 1);
  const cacheWrite = randomInt(0, input - cacheRead + 1);
  const event: CallEventV1 = {
    event_id: randomUUID(),
    occurred_at: new Date(Date.now() - randomInt(0, 10 * 60_000)).toISOString(),
    team_id: randomUUID(),
    user_id: randomUUID(),
    api_key_id: randomUUID(),
    service: 'chat-completions',
    model: 'deepseek-r1-distill-llama-70b',
    model_type: 'text',
    source: 'business',
    input_tokens: input,
    output_tokens: randomInt(0, 2000),
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
    latency_ms: randomInt(20, 4000),
    ttft_ms: randomInt(5, 500),
    status: 'success',
    http_status: 200,
    error_code: null,
    tags: ['e2e'],
    request_id: null,
    ...overrides,
  };
  return withOtherCounts(event);
}

/**
 * Every other count of the contract (reasoning tokens, and whatever the catalogue adds): one
 * that is a part of another is drawn within what the event's own parts leave of it.
 */
function withOtherCounts(event: CallEventV1): CallEventV1 {
  const counts = event as unknown as Record<string, number | undefined>;
  for (const { whole, parts } of EVENT_COUNT_PARTS) {
    const left = () => (counts[whole] ?? 0) - parts.reduce((s, p) => s + (counts[p] ?? 0), 0);
    for (const part of parts) counts[part] ??= randomInt(0, left() + 1);
  }
  for (const column of EVENT_MEASURE_COLUMNS) counts[column] ??= randomInt(0, 2000);
  return event;
}

/** The request count and the sum of every count the events carry, by the name usageSummary gives it. */
export function sums(events: CallEventV1[]): { requests: number } & EventMeasureValues {
  const totals = Object.fromEntries(
    EVENT_MEASURE_COLUMNS.map((m) => [camelName(m), events.reduce((s, e) => s + (e[m] ?? 0), 0)]),
  ) as EventMeasureValues;
  return { requests: events.length, ...totals };
}
