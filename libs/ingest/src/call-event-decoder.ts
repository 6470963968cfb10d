import { validateCallEvent, ValidationResult } from './call-event.validator';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type DecodeResult = ValidationResult;

/** Kafka message bytes → a valid event, or the reason it is not one. */
export function decodeCallEvent(value: Buffer | null, now: number = Date.now()): DecodeResult {
  if (value === null || value.length === 0) return { ok: false, reason: 'message: empty value' };
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return { ok: false, reason: 'message: not valid UTF-8' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'message: not valid JSON' };
  }
  return validateCallEvent(parsed, now);
}
