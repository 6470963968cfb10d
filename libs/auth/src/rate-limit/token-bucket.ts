interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets by key (an address, a principal), each holding up to `perMinute` tokens and
 * refilled continuously at `perMinute` a minute. In memory, per process: with several replicas
 * each one counts on its own, so a deployment that needs one budget shares it through Redis or
 * limits at the load balancer.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    readonly perMinute: number,
    private readonly clock: () => number = Date.now,
    // bounded memory whatever the number of addresses an attacker uses
    private readonly maxKeys = 100_000,
  ) {
    this.refillPerMs = perMinute / 60_000;
  }

  /** Milliseconds until `cost` tokens are there for `key`; 0 when they are now. */
  waitMs(key: string, cost = 1): number {
    const missing = this.clamp(cost) - this.level(key, this.clock());
    return missing <= 0 ? 0 : Math.ceil(missing / this.refillPerMs);
  }

  /** Takes `cost` tokens if they are there; a cost above the capacity takes the whole bucket. */
  tryTake(key: string, cost = 1): boolean {
    const now = this.clock();
    const level = this.level(key, now);
    const needed = this.clamp(cost);
    if (level < needed) return false;
    this.store(key, level - needed, now);
    return true;
  }

  /** Takes up to `cost` tokens, leaving the bucket empty at worst (failures count however many). */
  spend(key: string, cost = 1): void {
    const now = this.clock();
    this.store(key, Math.max(0, this.level(key, now) - cost), now);
  }

  get size(): number {
    return this.buckets.size;
  }

  private clamp(cost: number): number {
    return Math.min(cost, this.perMinute);
  }

  private level(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    return bucket ? Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.refillPerMs) : this.perMinute;
  }

  private store(key: string, tokens: number, now: number): void {
    // delete first so the map's order stays the order of last use
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, at: now });
    if (this.buckets.size > this.maxKeys) this.sweep(now);
  }

  /** Drops full buckets (the same as none), then the longest unused, down to 90 % of the bound. */
  private sweep(now: number): void {
    for (const key of [...this.buckets.keys()]) {
      if (this.level(key, now) >= this.perMinute) this.buckets.delete(key);
    }
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) break;
      this.buckets.delete(key);
    }
  }
}
