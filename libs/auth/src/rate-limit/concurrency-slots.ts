/** At most `perKey` holders of a slot per key at once (concurrent CSV exports per user), in memory. */
export class ConcurrencySlots {
  private readonly held = new Map<string, number>();

  constructor(readonly perKey: number) {}

  /** A release function (idempotent), or undefined when every slot of `key` is taken. */
  tryAcquire(key: string): (() => void) | undefined {
    const count = this.held.get(key) ?? 0;
    if (count >= this.perKey) return undefined;
    this.held.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }

  inUse(key: string): number {
    return this.held.get(key) ?? 0;
  }
}
