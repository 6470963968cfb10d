import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import callEventSchema from '../../../schemas/events/call-event.v1.schema.json';
import { isWellFormedUnicode, PLAIN_UUID } from './clickhouse-values';
import { readOccurredAt } from './event-time';
import type { CallEventV1 } from './generated/call-event.v1';

export type { CallEventV1 };
export { MAX_FUTURE_SKEW_MS } from './event-time';

export type ValidationResult =
  | {
      ok: true;
      /** the event as it is to be stored and produced: `occurred_at` normalised (see event-time.ts) */
      event: CallEventV1;
      /** `occurred_at` as milliseconds since 1970 UTC, read by the shared time rule */
      occurredAtMs: number;
    }
  | { ok: false; reason: string };

/** ajv's uuid format also takes a `urn:uuid:` prefix, which ClickHouse refuses (and the whole insert with it). */
const UUID_FIELDS = ['team_id', 'user_id', 'api_key_id'] as const;

/** The schema's own keyword: a count that is a part of the count it names. */
const PART_OF = 'x-part-of';

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
addFormats(ajv, ['date-time', 'uuid']);
ajv.addVocabulary([PART_OF]);
const validateSchema = ajv.compile<CallEventV1>(callEventSchema);

/**
 * The counts the schema marks as parts of another (cache reads and writes of input tokens,
 * reasoning of output tokens): together they must not exceed it. In the order of the wholes.
 */
export const EVENT_COUNT_PARTS: readonly { whole: string; parts: string[] }[] = (() => {
  const properties = callEventSchema.properties as Record<string, { [PART_OF]?: string }>;
  const fields = Object.keys(properties);
  const wholes = fields.flatMap((f) => properties[f][PART_OF] ?? []);
  return fields
    .filter((whole) => wholes.includes(whole))
    .map((whole) => ({ whole, parts: fields.filter((f) => properties[f][PART_OF] === whole) }));
})();

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
 * the JSON Schema of schemas/events plus the rules a schema cannot say: the time rule of
 * event-time.ts (bounds, leap seconds, what ajv's date-time lets through), values ClickHouse
 * refuses although the schema allows them, and the schema's `x-part-of` counts within the count
 * they are a part of. A valid event is returned as it is to be produced and stored (`occurred_at`
 * normalised).
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
  const time = readOccurredAt(event.occurred_at, now);
  if (!time.ok) return time;
  for (const field of UUID_FIELDS) {
    const value = event[field];
    if (value !== null && !PLAIN_UUID.test(value)) {
      return { ok: false, reason: `${field}: must be a plain UUID (8-4-4-4-12 hex digits, no urn:uuid: prefix)` };
    }
  }
  const malformed = firstMalformedString(event);
  if (malformed) return { ok: false, reason: `${malformed}: not well-formed Unicode (lone surrogate)` };
  const counts = event as unknown as Record<string, number | undefined>;
  for (const { whole, parts } of EVENT_COUNT_PARTS) {
    if (parts.reduce((sum, part) => sum + (counts[part] ?? 0), 0) > (counts[whole] ?? 0)) {
      return { ok: false, reason: `${parts.join(' + ')}: must not exceed ${whole}` };
    }
  }
  const normalised = time.text === event.occurred_at ? event : { ...event, occurred_at: time.text };
  return { ok: true, event: normalised, occurredAtMs: time.epochMs };
}

/** A lone UTF-16 surrogate is not Unicode; ClickHouse refuses it, and with it the whole insert. */
function firstMalformedString(event: CallEventV1): string | undefined {
  for (const [field, value] of Object.entries(event)) {
    if (typeof value === 'string' && !isWellFormedUnicode(value)) return field;
    if (Array.isArray(value)) {
      const index = value.findIndex((item) => typeof item === 'string' && !isWellFormedUnicode(item));
      if (index >= 0) return `${field}.${index}`;
    }
  }
  return undefined;
}
