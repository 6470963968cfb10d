import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sha256 } from '@app/auth';
import { KeyBudgets, KeyBudgetStatus } from './key-budgets';
import { ApiKeyRow, TeamStore, teamStore } from './persistence';
import { QuotaUseReader } from './quota-use.reader';

export type VerifyReason =
  'ok' | 'unknown' | 'revoked' | 'suspended' | 'expired' | 'seat_reclaimed' | 'seat_expired' | 'no_seat' | 'over_quota';

export interface VerifyResult {
  valid: boolean;
  reason: VerifyReason;
  teamId: string | null;
  userId: string | null;
  apiKeyId: string | null;
  quota: { limit: number; used: number; remaining: number; unit: string; period: string } | null;
  /** the tightest budget on the key, its holder or its team (README "Budgets"); null when none applies */
  budget: KeyBudgetStatus | null;
}

/**
 * The gateway's question "may this key call a model now?": key state and seat state from
 * Postgres (always fresh, so a revocation or reclaim applies on the very next call), quota use
 * from the hour rollup (cached for QUOTA_USE_CACHE_MS), budget spend from the alerts context
 * (cached likewise).
 */
@Injectable()
export class KeyVerificationService {
  private readonly store: TeamStore;

  constructor(
    @InjectDataSource() postgres: DataSource,
    private readonly quotaUse: QuotaUseReader,
    private readonly budgets: KeyBudgets,
  ) {
    this.store = teamStore(postgres);
  }

  async verify(secret: string, now = Date.now()): Promise<VerifyResult> {
    const key = await this.store.apiKeys.bySecretHash(sha256(secret));
    const base = {
      teamId: key?.team_id ?? null,
      userId: key?.user_id ?? null,
      apiKeyId: key?.id ?? null,
      quota: null,
      budget: null,
    };
    if (!key) return { valid: false, reason: 'unknown', ...base };
    if (key.status === 'REVOKED') {
      return { valid: false, reason: key.revoked_reason === 'seat_reclaimed' ? 'seat_reclaimed' : 'revoked', ...base };
    }
    if (key.status === 'SUSPENDED') return { valid: false, reason: 'suspended', ...base };
    if (key.expires_at && key.expires_at.getTime() <= now) return { valid: false, reason: 'expired', ...base };
    if (key.team_id) {
      // a team with plans needs a seat; a team without plans does not sell seats
      const seats = await this.store.seats.seatsOfUserByPlan(key.team_id, key.user_id);
      if (seats.length > 0) {
        const held = seats.find((s) => s.user_id);
        if (!held) return { valid: false, reason: 'no_seat', ...base };
        if (held.ends_at.getTime() <= now) return { valid: false, reason: 'seat_expired', ...base };
      }
      const [quota, budget] = await Promise.all([
        this.tightestQuota(key, key.team_id, now),
        this.budgets.forKey({ teamId: key.team_id, userId: key.user_id, apiKeyId: key.id }, now),
      ]);
      if (quota) {
        const result = { ...base, quota, budget };
        if (quota.remaining <= 0) return { valid: false, reason: 'over_quota', ...result };
        return { valid: true, reason: 'ok', ...result };
      }
      return { valid: true, reason: 'ok', ...base, budget };
    }
    return { valid: true, reason: 'ok', ...base };
  }

  /** Of the quotas on the key, on its holder and on its whole team, the one with the least left. */
  private async tightestQuota(key: ApiKeyRow, teamId: string, now: number): Promise<VerifyResult['quota']> {
    const quotas = await this.store.quotas.limiting(teamId, key.user_id, key.id);
    const used = await this.quotaUse.used(quotas, now);
    let tightest: VerifyResult['quota'] = null;
    for (const [i, q] of quotas.entries()) {
      const limit = Number(q.limit);
      const remaining = limit - used[i];
      if (!tightest || remaining < tightest.remaining)
        tightest = { limit, used: used[i], remaining, unit: q.unit, period: q.period };
    }
    return tightest;
  }
}
