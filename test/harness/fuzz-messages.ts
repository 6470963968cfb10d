import fc from 'fast-check';
import type { CallEventRow, CallEventV1, MessageToRowDeps } from '@app/ingest';
import { CALL_EVENT_COLUMNS } from '@app/ingest';
import type { PriceVersion } from '@app/pricing';

/**
 * Random, mutated and hostile calls.v1 messages for fuzzing the worker's per-message path, the
 * dependencies to run it with, and an oracle of what ClickHouse accepts in call_events, written
 * from the column types of schemas/clickhouse/0070 independently of the code under test.
 */
export const FUZZ_NOW = Date.parse('2026-11-22T12:00:00Z');
const NOW = FUZZ_NOW;
const EARLIEST = Date.UTC(2000, 0, 1);

// a Map like the PriceBook's: a model named __proto__ must find no price
const PRICES = new Map<string, PriceVersion>([
  ['glm-5', price('p-glm', '0.600000000', '2.200000000')],
  // the most a price can be (numeric(20, 9)): costs at the top of Decimal(38, 15)
  ['priciest', price('p-max', '99999999999.999999999', '99999999999.999999999')],
]);

function price(id: string, input: string, output: string): PriceVersion {
  const base = { id, model: id, effectiveFrom: 0, inputPerMillion: input, outputPerMillion: output };
  return { ...base, cacheReadPerMillion: null, cacheWritePerMillion: null };
}

export const fuzzDeps: MessageToRowDeps = {
  partition: 3,
  now: NOW,
  // large enough that the priciest calls' credits overflow Decimal(38, 15)
  creditsPerUnit: 1_000_000_000,
  // the fuzzer's valid events span 2000 to now: none is past this horizon (intake-horizon.spec.ts tests it)
  horizonDays: 36_500,
  priceAt: (model: string) => {
    // a price book that fails for one model: its events must become `internal:` reasons
    if (model === 'price-book-fault') throw new Error('price book unavailable');
    return PRICES.get(model);
  },
};

// ---- the ClickHouse acceptance oracle (column types of call_events) ----

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function isUnicode(text: unknown): text is string {
  // a lone surrogate does not survive UTF-8 (it becomes U+FFFD)
  return typeof text === 'string' && Buffer.from(text, 'utf8').toString('utf8') === text;
}

function isDateTime64(text: unknown): boolean {
  const m = typeof text === 'string' ? /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})$/.exec(text) : null;
  if (!m) return false;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number);
  if (y < 1900 || y > 2299) return false;
  const back = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  return (
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s
  );
}

const isUInt = (v: unknown, bits: number) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** bits;
const isDecimal38_15 = (v: unknown) => typeof v === 'string' && /^\d{1,23}(\.\d{1,15})?$/.test(v);

/** The first column of `row` ClickHouse would refuse, or undefined. */
export function clickHouseRefusal(row: CallEventRow): string | undefined {
  const keys = Object.keys(row).sort();
  if (JSON.stringify(keys) !== JSON.stringify([...CALL_EVENT_COLUMNS].sort())) return 'columns';
  if (!isUnicode(row.event_id)) return 'event_id';
  if (!isDateTime64(row.occurred_at)) return 'occurred_at';
  for (const c of ['team_id', 'user_id', 'api_key_id'] as const) if (!UUID_TEXT.test(String(row[c]))) return c;
  for (const c of ['service', 'model', 'model_type', 'source', 'status', 'price_id'] as const) {
    if (!isUnicode(row[c])) return c;
  }
  for (const c of ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'latency_ms'] as const) {
    if (!isUInt(row[c], 32)) return c;
  }
  if (row.ttft_ms !== null && !isUInt(row.ttft_ms, 32)) return 'ttft_ms';
  if (row.http_status !== null && !isUInt(row.http_status, 16)) return 'http_status';
  for (const c of ['error_code', 'request_id'] as const) if (row[c] !== null && !isUnicode(row[c])) return c;
  if (!Array.isArray(row.tags) || !row.tags.every(isUnicode)) return 'tags';
  if (!isDecimal38_15(row.cost) || !isDecimal38_15(row.credits)) return 'cost/credits';
  if (typeof row.priced !== 'boolean') return 'priced';
  if (!isUInt(row.kafka_partition, 32)) return 'kafka_partition';
  if (!/^\d{1,20}$/.test(row.kafka_offset) || BigInt(row.kafka_offset) >= 2n ** 64n) return 'kafka_offset';
  return undefined;
}

// ---- generators ----

const uuid = fc.uuid();
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.tuple(fc.string({ maxLength: 8 }), loneSurrogate, fc.string({ maxLength: 8 })).map((p) => p.join('')),
  fc.constantFrom('\u0000', 'a\u0000b', '\u202e\u200d\ufeff', '😀'.repeat(70), 'x'.repeat(129), '', ' '),
);
const hugeNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(2 ** 53, 2 ** 53 + 2, 2 ** 64, 4294967296, 1e21, 1e308, -0, -1, 0.5, 1e-7, 1_000_000_001, 86_400_001),
  fc.integer(),
);
const leapSecond = fc.constantFrom(
  '2016-12-31T23:59:60.000Z',
  '2016-12-31T23:59:60Z',
  '2016-12-31T23:59:60.999999Z',
  '2016-12-31t23:59:60z',
  '2017-01-01T08:59:60+09:00',
  '2016-12-31T22:59:60-01:00',
  '2016-12-31T12:59:60Z',
  '2016-06-30T23:59:60Z',
);

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** RFC 3339-shaped texts with each part allowed out of range: the time rule's whole input space. */
const timeText = fc
  .record({
    year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 2000, max: 2026 })),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    separator: fc.constantFrom('T', 't', ' ', 'x', ''),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{0,14}$/)),
    zone: fc.oneof(
      fc.constantFrom('Z', 'z', '', '+00:00', '-00:00'),
      fc
        .tuple(
          fc.constantFrom('+', '-'),
          fc.integer({ min: 0, max: 25 }),
          fc.integer({ min: 0, max: 61 }),
          fc.constantFrom(':', '', 'h'),
        )
        .map(([sign, h, m, form]) => (form === 'h' ? `${sign}${pad(h, 2)}` : `${sign}${pad(h, 2)}${form}${pad(m, 2)}`)),
    ),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}${t.separator}${pad(t.hour, 2)}:${pad(t.minute, 2)}:` +
      `${pad(t.second, 2)}${t.fraction}${t.zone}`,
  );

const validEvent: fc.Arbitrary<CallEventV1> = fc
  .record(
    {
      event_id: fc.oneof(uuid, fc.ulid()),
      occurred_at: fc.integer({ min: EARLIEST, max: NOW }).map((ms) => new Date(ms).toISOString()),
      team_id: fc.option(uuid, { nil: null }),
      user_id: uuid,
      api_key_id: uuid,
      service: fc.string({ minLength: 1, maxLength: 128 }),
      model: fc.oneof(
        fc.constantFrom('glm-5', 'priciest', 'price-book-fault', 'unpriced'),
        fc.string({ minLength: 1, maxLength: 128 }),
      ),
      model_type: fc.constantFrom('text', 'vision', 'multimodal', 'embedding', 'image', 'audio'),
      source: fc.constantFrom('business', 'internal'),
      input_tokens: fc.integer({ min: 0, max: 1_000_000_000 }),
      cache_share: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
      output_tokens: fc.integer({ min: 0, max: 1_000_000_000 }),
      latency_ms: fc.integer({ min: 0, max: 86_400_000 }),
      ttft_ms: fc.option(fc.integer({ min: 0, max: 86_400_000 }), { nil: null }),
      status: fc.constantFrom('success', 'error'),
      http_status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: null }),
      error_code: fc.option(fc.string({ maxLength: 128 }), { nil: null }),
      tags: fc.array(fc.string({ minLength: 1, maxLength: 64 }), { maxLength: 16 }),
      request_id: fc.option(fc.string({ maxLength: 128 }), { nil: null }),
    },
    {
      requiredKeys: [
        'event_id',
        'occurred_at',
        'team_id',
        'user_id',
        'api_key_id',
        'service',
        'model',
        'model_type',
        'source',
        'input_tokens',
        'cache_share',
        'output_tokens',
        'latency_ms',
        'status',
      ],
    },
  )
  .map(({ cache_share: [read, write], ...rest }) => {
    const cacheRead = Math.floor(rest.input_tokens * read);
    const cacheWrite = Math.floor((rest.input_tokens - cacheRead) * write);
    const event: CallEventV1 = { ...rest, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite };
    return event;
  });

const FIELDS = [
  'event_id',
  'occurred_at',
  'team_id',
  'user_id',
  'api_key_id',
  'service',
  'model',
  'model_type',
  'source',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'latency_ms',
  'ttft_ms',
  'status',
  'http_status',
  'error_code',
  'tags',
  'request_id',
];

const hostileValue = fc.oneof(
  oddText,
  hugeNumber,
  leapSecond,
  timeText,
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, true, [], {}),
  uuid.map((u) => `urn:uuid:${u}`),
  uuid.map((u) => u.toUpperCase()),
  fc.array(oddText, { maxLength: 18 }),
);

type Mutation = { kind: string; apply: (event: Record<string, unknown>) => string | Buffer | null };

const asText = (event: Record<string, unknown>) => JSON.stringify(event);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.constantFrom(...FIELDS), hostileValue).map(([field, value]) => ({
    kind: 'field set to a hostile value',
    apply: (e: Record<string, unknown>) => asText({ ...e, [field]: value }),
  })),
  fc.oneof(leapSecond, timeText).map((time) => ({
    kind: 'occurred_at edge case',
    apply: (e: Record<string, unknown>) => asText({ ...e, occurred_at: time }),
  })),
  fc.constantFrom(...FIELDS).map((field) => ({
    kind: 'field removed',
    apply: (e: Record<string, unknown>) => asText(Object.fromEntries(Object.entries(e).filter(([k]) => k !== field))),
  })),
  fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'x'),
      fc.jsonValue({ maxDepth: 1 }),
    )
    .map(([key, value]) => ({
      kind: 'extra or prototype key',
      // written as text: an object literal's __proto__ would set the prototype, not a key
      apply: (e: Record<string, unknown>) =>
        `{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'},${asText(e).slice(1)}`,
    })),
  fc
    .tuple(
      fc.constantFrom('input_tokens', 'output_tokens', 'latency_ms', 'http_status', 'ttft_ms'),
      fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '4294967296', '1.0', '1e3', '-0', '0.1e1'),
    )
    .map(([field, literal]) => ({
      kind: 'number literal JSON reads oddly',
      apply: (e: Record<string, unknown>) =>
        asText(e).replace(new RegExp(`"${field}":[^,}]*`), `"${field}":${literal}`),
    })),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.nat({ max: 3 })).map(([at, bytes, cut]) => ({
    kind: 'bytes of a valid event overwritten',
    apply: (e: Record<string, unknown>) => {
      const buffer = Buffer.from(asText(e));
      const start = at % buffer.length;
      return Buffer.concat([buffer.subarray(0, start), Buffer.from(bytes), buffer.subarray(start + cut)]);
    },
  })),
  fc.nat().map((at) => ({
    kind: 'valid event cut short',
    apply: (e: Record<string, unknown>) => asText(e).slice(0, at % asText(e).length),
  })),
);

export type FuzzMessage = { kind: string; value: Buffer | null };

export const fuzzMessage: fc.Arbitrary<FuzzMessage> = fc.oneof(
  { weight: 40, arbitrary: validEvent.map((e) => ({ kind: 'valid event', value: Buffer.from(JSON.stringify(e)) })) },
  {
    weight: 120,
    arbitrary: fc.tuple(validEvent, mutation).map(([e, m]) => {
      const out = m.apply(e as unknown as Record<string, unknown>);
      return { kind: m.kind, value: out === null ? null : Buffer.isBuffer(out) ? out : Buffer.from(out) };
    }),
  },
  {
    weight: 20,
    arbitrary: fc.jsonValue().map((v) => ({ kind: 'random JSON', value: Buffer.from(JSON.stringify(v) ?? '') })),
  },
  {
    weight: 20,
    arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => ({ kind: 'random bytes', value: Buffer.from(b) })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'null value', value: null }) },
);
