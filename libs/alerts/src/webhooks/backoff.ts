/**
 * When a failed delivery is tried again: exponential in the attempts made (base × 2^(n−1),
 * capped), with "equal jitter" (half the delay fixed, half random) so that endpoints that failed
 * together are not all retried in the same instant.
 */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number, random = Math.random()): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  return Math.round(exponential / 2 + (exponential / 2) * random);
}
