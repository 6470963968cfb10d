import { Injectable } from '@nestjs/common';
import { sha256 } from '@app/auth';
import { KeyBudgets, KeyBudgetStatus } from './key-budgets';
import { QuotaRow, quotaSubject } from './persistence';
import { QuotaUseReader } from './quota-use.reader';
import { KeyRecord, KeyStateCache } from './verification/key-state';
import { UsageTally } from './verification/usage-tally';

export type VerifyReason =
  'ok' | 'unknown' | 'revoked' | 'suspended' | 'expired' | 'seat_reclaimed' | 'seat_expired' | 'no_seat' | 'over_quota';

/** Whether a quota of the key's team limits the key: on the key itself, on its holder, or on the whole team. */
function limits(q: QuotaRow, key: KeyRecord): boolean {
  const { column, id } = quotaSubject(q);
  return column === 'team_id' || (column === 'user_id' ? id === key.userId : id === key.id);
}

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
 * The gateway's question "may this key call a model now?", answered from memory: keys, plans,
 * seats and quotas from KeyStateCache (reloaded on every committed change, so a revocation,
 * suspension or reclaim is refused within milliseconds), quota use from the UsageTally (seeded
 * from the hour rollup, then counted from the ingest stream; a team-wide quota counts every call
 * of the team), budget spend from the alerts context (likewise).
 */
@Injectable()
export class KeyVerificationService {
  constructor(
    private readonly state: KeyStateCache,
    private readonly usage: UsageTally,
    private readonly quotaUse: QuotaUseReader,
    private readonly budgets: KeyBudgets,
  ) {}

  async verify(secret: string, now = Date.now()): Promise<VerifyResult> {
    const found = await this.state.lookup(sha256(secret));
    const key = found?.key;
    const base = {
      teamId: key?.teamId ?? null,
      userId: key?.userId ?? null,
      apiKeyId: key?.id ?? null,
      quota: null,
      budget: null,
    };
    if (!found || !key) return { valid: false, reason: 'unknown', ...base };
    if (key.status === 'REVOKED') {
      return { valid: false, reason: key.revokedReason === 'seat_reclaimed' ? 'seat_reclaimed' : 'revoked', ...base };
    }
    if (key.status === 'SUSPENDED') return { valid: false, reason: 'suspended', ...base };
    if (key.expiresAt !== null && key.expiresAt <= now) return { valid: false, reason: 'expired', ...base };
    if (key.teamId) {
      // a team with plans needs a seat; a team without plans does not sell seats
      const { plans, quotas } = found.team;
      if (plans.length > 0) {
        const held = plans.find((p) => p.holders.has(key.userId));
        if (!held) return { valid: false, reason: 'no_seat', ...base };
        if (held.endsAt <= now) return { valid: false, reason: 'seat_expired', ...base };
      }
      const [quota, budget] = await Promise.all([
        this.tightestQuota(
          quotas.filter((q) => limits(q, key)),
          now,
        ),
        this.budgets.forKey({ teamId: key.teamId, userId: key.userId, apiKeyId: key.id }, now),
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
  private async tightestQuota(quotas: QuotaRow[], now: number): Promise<VerifyResult['quota']> {
    let tightest: VerifyResult['quota'] = null;
    for (const q of quotas) {
      const { column, id } = quotaSubject(q);
      const from = QuotaUseReader.periodStart(q.period, now);
      const used = (
        await this.usage.use(
          `quota:${q.id}:${from}`,
          {
            teamId: q.team_id,
            userId: column === 'user_id' ? id : null,
            apiKeyId: column === 'api_key_id' ? id : null,
            measure: q.unit === 'TOKENS' ? 'tokens' : 'credits',
            from,
            to: QuotaUseReader.periodEnd(q.period, now),
          },
          () => this.quotaUse.read(q, now),
          now,
        )
      ).toNumber();
      const limit = Number(q.limit);
      const remaining = limit - used;
      if (!tightest || remaining < tightest.remaining)
        tightest = { limit, used, remaining, unit: q.unit, period: q.period };
    }
    return tightest;
  }
}
