import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import callEventSchema from '../../../schemas/events/call-event.v1.schema.json';
import type { CallEventV1 } from './generated/call-event.v1';

export type { CallEventV1 };

export type ValidationResult = { ok: true; event: CallEventV1 } | { ok: false; reason: string };

export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
const EARLIEST_OCCURRED_AT = Date.parse('2000-01-01T00:00:00Z');

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
addFormats(ajv, ['date-time', 'uuid']);
const validateSchema = ajv.compile<CallEventV1>(callEventSchema);

function describe(error: ErrorObject): string {
  const where = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : 'event';
  if (error.keyword === 'additionalProperties') {
    return `${where}: unknown field ${JSON.stringify(error.params.additionalProperty)}`;
  }
  if (error.keyword === 'required') return `${where}: missing field ${JSON.stringify(error.params.missingProperty)}`;
  return `${where}: ${error.message ?? error.keyword}`;
}

/**
 * The one validator of the call-event contract, shared by the HTTP intake and the worker:
 * the JSON Schema of schemas/events plus the rules a schema cannot say (time bounds, cache
 * tokens within input tokens, reasoning tokens within output tokens).
 */
export function validateCallEvent(input: unknown, now: number = Date.now()): ValidationResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, reason: 'event: must be a JSON object' };
  }
  if (Object.prototype.hasOwnProperty.call(input, '__proto__')) {
    return { ok: false, reason: 'event: unknown field "__proto__"' };
  }
  if (!validateSchema(input)) {
    return { ok: false, reason: describe(validateSchema.errors![0]) };
  }
  const event = input;
  const occurredAt = Date.parse(event.occurred_at);
  if (occurredAt > now + MAX_FUTURE_SKEW_MS) {
    return { ok: false, reason: 'occurred_at: more than 5 minutes in the future' };
  }
  if (occurredAt < EARLIEST_OCCURRED_AT) {
    return { ok: false, reason: 'occurred_at: before 2000-01-01' };
  }
  if (event.cache_read_tokens + event.cache_write_tokens > event.input_tokens) {
    return { ok: false, reason: 'cache_read_tokens + cache_write_tokens: must not exceed input_tokens' };
  }
  if ((event.reasoning_tokens ?? 0) > event.output_tokens) {
    return { ok: false, reason: 'reasoning_tokens: must not exceed output_tokens' };
  }
  return { ok: true, event };
}
