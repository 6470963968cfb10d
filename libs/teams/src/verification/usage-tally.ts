import Decimal from 'decimal.js';

/** What a quota or budget counts: input + output tokens, credits or cost (exact decimals). */
export type UsageMeasure = 'tokens' | 'credits' | 'cost';

/** One call of the ingest stream, as the worker prices it, with its place in the topic. */
export interface CountedCall {
  partition: number;
  offset: number;
  teamId: string;
  userId: string;
  apiKeyId: string;
  occurredAt: number;
  tokens: number;
  credits: string;
  cost: string;
}

/** Whose use, of what, over which period [from, to) (ms). A null user and key: the whole team. */
export interface TallySubject {
  teamId: string;
  userId: string | null;
  apiKeyId: string | null;
  measure: UsageMeasure;
  from: number;
  to: number;
}

/** Per partition, the first offset the ingest worker has not committed: everything before is in the rollups. */
export type Watermark = Map<number, number>;

/** Where the tally learns what the ingest worker has stored. */
export interface IngestProgress {
  /** the worker's committed offsets; null: unknown (no stream) */
  committed(): Promise<Watermark | null>;
  /** of these calls (above the committed offsets), the ones already in ClickHouse: stored, not yet committed */
  stored(calls: readonly CountedCall[]): Promise<CountedCall[]>;
}

export interface TallyOptions {
  /** how often a tally in use is read again from the rollups, which bounds any drift */
  reseedMs: number;
  /** a tally unused this long is dropped */
  idleMs: number;
  /** how soon a seed short of calls the stream skipped (see `skipped`) is read again */
  shortSeedRetryMs: number;
}

interface Tally {
  subject: TallySubject;
  value: Decimal;
  /** calls below it (per partition) are in the seed; null: no stream, the seed alone */
  watermark: Watermark | null;
  seededAt: number;
  /** the seed may miss calls of its team the stream skipped above the watermark: read again soon */
  short: boolean;
  usedAt: number;
  reseeding?: Promise<void>;
}

function matches(s: TallySubject, call: CountedCall): boolean {
  return (
    call.teamId === s.teamId &&
    (s.userId === null || call.userId === s.userId) &&
    (s.apiKeyId === null || call.apiKeyId === s.apiKeyId) &&
    call.occurredAt >= s.from &&
    call.occurredAt < s.to
  );
}

function amount(measure: UsageMeasure, call: CountedCall): Decimal.Value {
  return measure === 'tokens' ? call.tokens : measure === 'credits' ? call.credits : call.cost;
}

function after(watermark: Watermark, call: CountedCall): boolean {
  return call.offset >= (watermark.get(call.partition) ?? 0);
}

/**
 * Quota and budget use kept in memory: each tally is seeded from the rollups plus the stream's
 * calls the rollups do not hold yet (above the worker's committed offsets and not stored), then
 * counts the calls of the ingest stream as they arrive, so verification reads no engine per call.
 *
 * Drift is bounded: a call the worker stores while a seed is read (between the check of what is
 * stored and the rollup read, one query) is counted twice, a duplicate event id the worker drops
 * is counted until the next seed, and a call the stream has not delivered yet is missing (this
 * consumer's lag, milliseconds). Every tally in use is seeded again every `reseedMs`, so none of
 * these lasts longer than that, and the errors lean to counting more, not less.
 */
export class UsageTally {
  private readonly tallies = new Map<string, Tally>();
  private readonly seeding = new Map<string, Promise<Tally>>();
  private readonly ofTeam = new Map<string, Set<Tally>>();
  /** stream calls the worker may not have committed yet, kept for the seeds to come */
  private recent: CountedCall[] = [];
  /** per team, per partition, the last offset of a call the stream skipped (no tally counted the team then) */
  private readonly skips = new Map<string, Map<number, number>>();

  constructor(
    private readonly ingest: IngestProgress,
    private readonly options: TallyOptions,
  ) {}

  /** The subject's use in its period: from memory, after the first call (which reads the seed). */
  async use(id: string, subject: TallySubject, seed: () => Promise<Decimal.Value>, now = Date.now()): Promise<Decimal> {
    const tally = this.tallies.get(id) ?? (await this.firstSeed(id, subject, seed, now));
    tally.usedAt = now;
    const reseedMs = tally.short ? this.options.shortSeedRetryMs : this.options.reseedMs;
    if (now - tally.seededAt >= reseedMs && !tally.reseeding) {
      tally.reseeding = this.reseed(tally, seed, now)
        .catch(() => undefined)
        .finally(() => (tally.reseeding = undefined));
    }
    return tally.value;
  }

  /** Whether any tally counts this team's calls: the stream need not price the calls of other teams. */
  counts(teamId: string): boolean {
    return (this.ofTeam.get(teamId)?.size ?? 0) > 0;
  }

  /**
   * A call of a team no tally counted, left undecoded by the stream: a seed of that team read
   * before the worker stores it misses it, so such a seed is read again every shortSeedRetryMs
   * until the worker has committed past it.
   */
  skipped(teamId: string, partition: number, offset: number): void {
    const ofTeam = this.skips.get(teamId) ?? new Map<number, number>();
    ofTeam.set(partition, offset);
    this.skips.set(teamId, ofTeam);
  }

  /** Calls as the stream delivers them (in offset order per partition). */
  count(calls: readonly CountedCall[]): void {
    for (const call of calls) {
      this.recent.push(call);
      for (const tally of this.ofTeam.get(call.teamId) ?? []) {
        if (tally.watermark && after(tally.watermark, call) && matches(tally.subject, call)) {
          tally.value = tally.value.plus(amount(tally.subject.measure, call));
        }
      }
    }
  }

  /**
   * Forgets stream calls below `watermark` (pass one read at least a seed's duration ago, so a
   * seed in progress still finds the calls above its own) and tallies idle for `idleMs`.
   */
  prune(watermark: Watermark | null, now = Date.now()): void {
    if (watermark) {
      this.recent = this.recent.filter((call) => after(watermark, call));
      for (const [team, ofTeam] of this.skips) {
        for (const [partition, offset] of ofTeam)
          if (offset < (watermark.get(partition) ?? 0)) ofTeam.delete(partition);
        if (ofTeam.size === 0) this.skips.delete(team);
      }
    }
    for (const [id, tally] of this.tallies) {
      if (now - tally.usedAt < this.options.idleMs) continue;
      this.tallies.delete(id);
      this.ofTeam.get(tally.subject.teamId)?.delete(tally);
    }
  }

  get size(): { tallies: number; recentCalls: number } {
    return { tallies: this.tallies.size, recentCalls: this.recent.length };
  }

  private firstSeed(
    id: string,
    subject: TallySubject,
    seed: () => Promise<Decimal.Value>,
    now: number,
  ): Promise<Tally> {
    let pending = this.seeding.get(id);
    if (!pending) {
      // listed for its team at once, counting nothing until seeded (no watermark): the seed adds
      // what the stream delivers meanwhile from `recent`
      const tally: Tally = { subject, value: new Decimal(0), watermark: null, seededAt: 0, short: false, usedAt: 0 };
      const team = this.ofTeam.get(subject.teamId) ?? new Set<Tally>();
      team.add(tally);
      this.ofTeam.set(subject.teamId, team);
      pending = this.reseed(tally, seed, now)
        .then(
          () => {
            this.tallies.set(id, tally);
            return tally;
          },
          (error: unknown) => {
            team.delete(tally);
            throw error;
          },
        )
        .finally(() => this.seeding.delete(id));
      this.seeding.set(id, pending);
    }
    return pending;
  }

  /**
   * What the worker has stored first, then the rollups: the seed holds every call below the
   * committed offsets and every call found stored, and may hold calls stored in between.
   */
  private async reseed(tally: Tally, seed: () => Promise<Decimal.Value>, now: number): Promise<void> {
    const watermark = await this.ingest.committed().catch(() => null);
    const inFlight = watermark ? this.recent.filter((c) => after(watermark, c) && matches(tally.subject, c)) : [];
    const stored = new Set(inFlight.length > 0 ? await this.ingest.stored(inFlight) : []);
    const seeded = new Decimal(await seed());
    // no await from here on: the stream's calls so far are all in `recent`
    let value = seeded;
    if (watermark) {
      for (const call of this.recent) {
        if (after(watermark, call) && !stored.has(call) && matches(tally.subject, call)) {
          value = value.plus(amount(tally.subject.measure, call));
        }
      }
    }
    tally.value = value;
    tally.watermark = watermark;
    tally.seededAt = now;
    tally.short = [...(this.skips.get(tally.subject.teamId) ?? [])].some(
      ([partition, offset]) => watermark !== null && offset >= (watermark.get(partition) ?? 0),
    );
  }
}
