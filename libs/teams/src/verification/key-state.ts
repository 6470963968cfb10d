import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { logger } from '@app/observability';
import type { ApiKeyStatus, QuotaRow } from '../persistence';
import { KeyStateChange, KeyStateChanges } from './key-state-changes';

/** A key as verification needs it: a SUSPENDED key is refused until resumed. */
export interface KeyRecord {
  id: string;
  teamId: string | null;
  userId: string;
  status: ApiKeyStatus;
  revokedReason: string | null;
  expiresAt: number | null;
  /** a test key's calls are in no rollup, so they use no quota or budget */
  test: boolean;
}

/** A team's plans with who holds a seat in each, and its quotas (a team-wide one has neither user nor key). */
export interface TeamAccess {
  plans: Array<{ endsAt: number; holders: ReadonlySet<string> }>;
  quotas: QuotaRow[];
}

const NO_TEAM: TeamAccess = { plans: [], quotas: [] };

interface KeyRow {
  id: string;
  team_id: string | null;
  user_id: string;
  secret_hash: string;
  status: ApiKeyStatus;
  revoked_reason: string | null;
  expires_at: Date | null;
  test: boolean;
}

interface PlanRow {
  team_id: string;
  ends_at: Date;
  holders: string[];
}

const KEY_COLUMNS = 'id, team_id, user_id, secret_hash, status, revoked_reason, expires_at, test';
const PLANS = `SELECT p.team_id, p.ends_at, array_remove(array_agg(s.user_id), NULL) AS holders
  FROM plans p LEFT JOIN seats s ON s.plan_id = p.id`;
const QUOTAS = 'SELECT id, team_id, user_id, api_key_id, unit, period, "limit" FROM quotas';
const CHANNEL = 'key_state';

/**
 * Every key, plan, seat and quota, in memory, for key verification. Loaded at start after
 * LISTEN key_state (so a change committed during the load is reloaded after it); a
 * notification, or this process's own commit (KeyStateChanges), reloads that team or key, and
 * a lookup of a key whose team is being reloaded waits for it, so a revocation is answered as
 * soon as it is known here. A lost listener connection is opened again and everything reloaded
 * (notifications sent meanwhile are lost); until then the last state is answered.
 */
@Injectable()
export class KeyStateCache implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private keys = new Map<string, KeyRecord>();
  /** key id → its secret hash, to drop a reloaded team's keys */
  private hashes = new Map<string, string>();
  private teams = new Map<string, TeamAccess>();
  private keysOfTeam = new Map<string, Set<string>>();
  private readonly reloads = new Map<string, Promise<void>>();
  /** the first load: lookups wait for it */
  private ready?: Promise<void>;
  /** the latest load (the first, or after a lost connection): reloads wait for it */
  private loading?: Promise<void>;
  private listener?: Client;
  /** set once the first load is done: lookups need not wait for it any more */
  private loaded = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly postgres: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly changes: KeyStateChanges,
  ) {
    changes.subscribe((change) => void this.reload(change));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
  }

  /** LISTEN, then load everything; resolves once verification can answer. */
  start(): Promise<void> {
    this.ready ??= this.loading = this.connect();
    return this.ready;
  }

  /** The key with this secret hash and its team's plans and quotas, after any reload of them in progress. */
  async lookup(secretHash: string): Promise<{ key: KeyRecord; team: TeamAccess } | undefined> {
    if (!this.loaded) await this.start();
    let key = this.keys.get(secretHash);
    const pending = key && this.reloads.get(this.reloadId(key.teamId ? { teamId: key.teamId } : { apiKeyId: key.id }));
    if (pending) {
      await pending;
      key = this.keys.get(secretHash);
    }
    if (!key) {
      // created a moment ago by another process, its notification still on the way; or unknown
      const [row] = await this.postgres.query<KeyRow[]>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE secret_hash = $1`, [
        secretHash,
      ]);
      if (!row) return undefined;
      await this.reload(row.team_id ? { teamId: row.team_id } : { apiKeyId: row.id });
      key = this.keys.get(secretHash);
      if (!key) return undefined;
    }
    return { key, team: (key.teamId && this.teams.get(key.teamId)) || NO_TEAM };
  }

  /**
   * Resolves once every change committed before the call is applied here: a query on the
   * listening connection is answered after the notifications already due to it.
   */
  async caughtUp(): Promise<void> {
    await this.start();
    await this.listener?.query('SELECT 1');
    await Promise.all([...this.reloads.values()]);
  }

  /** Whether the key is a known test key (a key not loaded yet counts as none: the next reseed corrects that). */
  isTestKey(apiKeyId: string): boolean {
    const hash = this.hashes.get(apiKeyId);
    return hash !== undefined && this.keys.get(hash)?.test === true;
  }

  private reloadId(change: KeyStateChange): string {
    return change.teamId ? `team:${change.teamId}` : `key:${change.apiKeyId}`;
  }

  /** Reloads one team or key after any reload of it already running (each sees the commits before it began). */
  private reload(change: KeyStateChange): Promise<void> {
    const id = this.reloadId(change);
    const previous = this.reloads.get(id) ?? Promise.resolve();
    const next: Promise<void> = previous
      .then(() => this.start())
      .then(() => this.loading)
      .then(() => (change.teamId ? this.loadTeam(change.teamId) : this.loadKey(change.apiKeyId!)))
      .catch((error: unknown) => logger.warn('key state reload failed', { id, error: String(error) }))
      .finally(() => {
        if (this.reloads.get(id) === next) this.reloads.delete(id);
      });
    this.reloads.set(id, next);
    return next;
  }

  private async connect(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        const listener = new Client({ connectionString: this.config.postgres.url });
        listener.on('notification', (message) => {
          const change = KeyStateChanges.parse(message.payload);
          if (change) this.changes.publish(change);
        });
        listener.on('error', (error) => this.lost(listener, error));
        await listener.connect();
        await listener.query(`LISTEN ${CHANNEL}`);
        // stopped while it was connecting: the shutdown found no listener to end
        if (this.stopped) return void (await listener.end());
        this.listener = listener;
        await this.loadAll();
        this.loaded = true;
        return;
      } catch (error) {
        logger.warn('key state: cannot listen or load; retrying', { attempt, error: String(error) });
        await new Promise((r) => setTimeout(r, Math.min(5_000, 200 * attempt)));
      }
    }
  }

  private lost(listener: Client, error: Error): void {
    if (this.stopped || listener !== this.listener) return;
    logger.warn('key state: the listening connection failed; listening and loading again', { error: String(error) });
    this.listener = undefined;
    void listener.end().catch(() => undefined);
    // until the reload, verification answers from the state it has
    this.loading = this.connect();
  }

  private async loadAll(): Promise<void> {
    const [keys, plans, quotas] = await Promise.all([
      this.postgres.query<KeyRow[]>(`SELECT ${KEY_COLUMNS} FROM api_keys`),
      this.postgres.query<PlanRow[]>(`${PLANS} GROUP BY p.id`),
      this.postgres.query<QuotaRow[]>(QUOTAS),
    ]);
    const teams = new Map<string, TeamAccess>();
    const teamOf = (id: string) => teams.get(id) ?? teams.set(id, { plans: [], quotas: [] }).get(id)!;
    for (const p of plans) teamOf(p.team_id).plans.push({ endsAt: p.ends_at.getTime(), holders: new Set(p.holders) });
    for (const q of quotas) teamOf(q.team_id).quotas.push(q);
    this.keys = new Map();
    this.hashes = new Map();
    this.keysOfTeam = new Map();
    for (const k of keys) this.putKey(k);
    this.teams = teams;
  }

  private async loadTeam(teamId: string): Promise<void> {
    const [keys, plans, quotas] = await Promise.all([
      this.postgres.query<KeyRow[]>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE team_id = $1`, [teamId]),
      this.postgres.query<PlanRow[]>(`${PLANS} WHERE p.team_id = $1 GROUP BY p.id`, [teamId]),
      this.postgres.query<QuotaRow[]>(`${QUOTAS} WHERE team_id = $1`, [teamId]),
    ]);
    for (const id of this.keysOfTeam.get(teamId) ?? []) this.dropKey(id);
    for (const k of keys) this.putKey(k);
    this.teams.set(teamId, {
      plans: plans.map((p) => ({ endsAt: p.ends_at.getTime(), holders: new Set(p.holders) })),
      quotas,
    });
  }

  private async loadKey(apiKeyId: string): Promise<void> {
    const [row] = await this.postgres.query<KeyRow[]>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1`, [apiKeyId]);
    this.dropKey(apiKeyId);
    if (row) this.putKey(row);
  }

  private dropKey(id: string): void {
    const hash = this.hashes.get(id);
    const key = hash && this.keys.get(hash);
    if (key && key.teamId) this.keysOfTeam.get(key.teamId)?.delete(id);
    if (hash) this.keys.delete(hash);
    this.hashes.delete(id);
  }

  private putKey(k: KeyRow): void {
    this.keys.set(k.secret_hash, {
      id: k.id,
      teamId: k.team_id,
      userId: k.user_id,
      status: k.status,
      revokedReason: k.revoked_reason,
      expiresAt: k.expires_at ? k.expires_at.getTime() : null,
      test: k.test,
    });
    this.hashes.set(k.id, k.secret_hash);
    if (k.team_id) {
      const ofTeam = this.keysOfTeam.get(k.team_id) ?? new Set<string>();
      ofTeam.add(k.id);
      this.keysOfTeam.set(k.team_id, ofTeam);
    }
  }
}
