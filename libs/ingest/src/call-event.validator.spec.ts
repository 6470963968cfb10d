import { EVENT_COUNT_PARTS, validateCallEvent } from './call-event.validator';
import { decodeCallEvent } from './call-event-decoder';

const NOW = Date.parse('2026-11-22T12:00:00Z');

function valid(overrides: Record<string, unknown> = {}) {
  return {
    event_id: '01J9ZK3Q4R5S6T7V8W9X0Y1Z2A',
    occurred_at: '2026-11-22T11:59:00.123Z',
    team_id: null,
    user_id: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
    api_key_id: '7a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
    service: 'chat',
    model: 'glm-5',
    model_type: 'text',
    source: 'business',
    input_tokens: 100,
    output_tokens: 20,
    cache_read_tokens: 30,
    cache_write_tokens: 70,
    latency_ms: 250,
    status: 'success',
    ...overrides,
  };
}

describe('validateCallEvent', () => {
  it('accepts a valid event with a ULID and a null team (personal space)', () => {
    const occurredAtMs = Date.parse(valid().occurred_at);
    expect(validateCallEvent(valid(), NOW)).toEqual({ ok: true, event: valid(), occurredAtMs });
  });

  it.each([
    [{ input_tokens: -1 }, 'input_tokens: must be >= 0'],
    [{ input_tokens: 1.5 }, 'input_tokens: must be integer'],
    [{ output_tokens: 'NaN' }, 'output_tokens: must be integer'],
    [{ model: 'x'.repeat(129) }, 'model: must NOT have more than 128 characters'],
    [{ model_type: 'video' }, 'model_type: must be equal to one of the allowed values'],
    [{ event_id: 'not-an-id' }, 'event_id: must match pattern'],
    [{ user_id: 'abc' }, 'user_id: must match format "uuid"'],
    [{ occurred_at: 'yesterday' }, 'occurred_at: must match format "date-time"'],
    [{ tags: Array.from({ length: 17 }, (_, i) => `t${i}`) }, 'tags: must NOT have more than 16 items'],
    [{ extra: 1 }, 'event: unknown field "extra"'],
    [{ occurred_at: '2026-11-22T12:06:00Z' }, 'occurred_at: more than 5 minutes in the future'],
    [{ occurred_at: '1999-12-31T23:59:59Z' }, 'occurred_at: before 2000-01-01'],
    [
      { cache_read_tokens: 50, cache_write_tokens: 51 },
      'cache_read_tokens + cache_write_tokens: must not exceed input_tokens',
    ],
    [{ occurred_at: '2026-11-22T11:59:00+01' }, 'occurred_at: offset must be ±hh:mm, not hours only'],
    [{ team_id: 'urn:uuid:6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b' }, 'team_id: must be a plain UUID'],
    [{ service: 'chat\ud800' }, 'service: not well-formed Unicode (lone surrogate)'],
    [{ tags: ['ok', '\udc00x'] }, 'tags.1: not well-formed Unicode (lone surrogate)'],
    [{ reasoning_tokens: 21 }, 'reasoning_tokens: must not exceed output_tokens'],
    [{ reasoning_tokens: -1 }, 'reasoning_tokens: must be >= 0'],
  ])('rejects %j', (overrides, reason) => {
    const result = validateCallEvent(valid(overrides), NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it.each(EVENT_COUNT_PARTS.map(({ whole, parts }) => [whole, parts] as const))(
    'refuses the parts of %s above it, and takes them up to it',
    (whole, parts) => {
      const total = valid()[whole as 'input_tokens'];
      const split = (sum: number) => Object.fromEntries(parts.map((p, i) => [p, i === 0 ? sum : 0]));
      expect(validateCallEvent(valid(split(total + 1)), NOW)).toEqual({
        ok: false,
        reason: `${parts.join(' + ')}: must not exceed ${whole}`,
      });
      expect(validateCallEvent(valid(split(total)), NOW).ok).toBe(true);
    },
  );

  it('takes reasoning tokens up to the output tokens, and an event without them', () => {
    expect(validateCallEvent(valid({ reasoning_tokens: 20 }), NOW).ok).toBe(true);
    expect(validateCallEvent(valid(), NOW).ok).toBe(true);
  });

  it('rejects a __proto__ key and non-objects', () => {
    const hostile = JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(valid()).slice(1)}`);
    expect(validateCallEvent(hostile, NOW)).toEqual({ ok: false, reason: 'event: unknown field "__proto__"' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(validateCallEvent([valid()], NOW)).toEqual({ ok: false, reason: 'event: must be a JSON object' });
    expect(validateCallEvent(null, NOW).ok).toBe(false);
  });
});

describe('decodeCallEvent', () => {
  it('decodes bytes of a valid event', () => {
    expect(decodeCallEvent(Buffer.from(JSON.stringify(valid())), NOW).ok).toBe(true);
  });

  it('names invalid UTF-8, non-JSON and empty messages', () => {
    expect(decodeCallEvent(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), NOW)).toEqual({
      ok: false,
      reason: 'message: not valid UTF-8',
    });
    expect(decodeCallEvent(Buffer.from('{oops'), NOW)).toEqual({ ok: false, reason: 'message: not valid JSON' });
    expect(decodeCallEvent(null, NOW)).toEqual({ ok: false, reason: 'message: empty value' });
  });
});
