import { randomInt, randomUUID } from 'node:crypto';
import type { CallEventV1 } from '@app/ingest';

export function makeEvent(overrides: Partial<CallEventV1> = {}): CallEventV1 {
  const input = randomInt(1, 5000);
  const cacheRead = randomInt(0, Math.floor(input / 2) + 1);
  const cacheWrite = randomInt(0, input - cacheRead + 1);
  // reasoning tokens are a part of output tokens: drawn within the output the event ends with
  const output = overrides.output_tokens ?? randomInt(0, 2000);
  return {
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
    output_tokens: output,
    reasoning_tokens: randomInt(0, output + 1),
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
}

export function sums(events: CallEventV1[]) {
  return {
    requests: events.length,
    inputTokens: events.reduce((s, e) => s + e.input_tokens, 0),
    outputTokens: events.reduce((s, e) => s + e.output_tokens, 0),
    reasoningTokens: events.reduce((s, e) => s + (e.reasoning_tokens ?? 0), 0),
    cacheReadTokens: events.reduce((s, e) => s + e.cache_read_tokens, 0),
    cacheWriteTokens: events.reduce((s, e) => s + e.cache_write_tokens, 0),
  };
}
