const DAY_MS = 86_400_000;

/** The Kafka header `cli dlq-replay` sets on what it re-publishes (the DLQ message it came from). */
export const REPLAYED_FROM_HEADER = 'dlq-replayed-from';
/** The header `cli dlq-replay --allow-old` adds: the operator takes events past the intake horizon. */
export const REPLAY_ALLOW_OLD_HEADER = 'dlq-replay-allow-old';

/**
 * The intake horizon: an event that occurred more than `horizonDays` before `now` would change a
 * month already reported, so the HTTP intake and the worker refuse it (`too_old: …`, its DLQ
 * reason), unless an operator replays it (`cli dlq-replay --allow-old`). The answer is the reason,
 * or undefined when the event is within the horizon.
 */
export function tooOldReason(occurredAtMs: number, now: number, horizonDays: number): string | undefined {
  if (occurredAtMs >= now - horizonDays * DAY_MS) return undefined;
  const days = Math.floor((now - occurredAtMs) / DAY_MS);
  return (
    `too_old: occurred_at is ${days} days before now, past the intake horizon of ${horizonDays} days ` +
    '(an operator may take it with cli dlq-replay --allow-old)'
  );
}
