import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sha256 } from '@app/auth';
import { QuotaUseReader } from './quota-use.reader';

export type VerifyReason = 'ok' | 'unknown' | 'revoked' | 'expired' | 'seat_reclaimed' | 'seat_expired' | 'no_seat' | 'over_quota';

export interface VerifyResult {
  valid: boolean;
  reason: VerifyReason;
  teamId: string | null;
  userId: string | null;
  apiKeyId: string | null;
  quota: { limit: number; used: number; remaining: number; unit: string; period: string } | null;
}

/**
 * The gateway's question "may this key call a model now?": key state and seat state from
 * Postgres (always fresh, so a revocation or reclaim applies on the very next call), quota use
 * from the hour rollup (cached for QUOTA_USE_CACHE_MS).
 */
@Injectable()
export class KeyVerificationService {
  constructor(
    @InjectDataSource() private readonly postgres: DataSource,
    private readonly quotaUse: QuotaUseReader,
  ) {}

  async verify(secret: string, now = Date.now()): Promise<VerifyResult> {
    const [key] = await this.postgres.query('SELECT * FROM api_keys WHERE secret_hash = $1', [sha256(secret)]);
    const base = { teamId: key?.team_id ?? null, userId: key?.user_id ?? null, apiKeyId: key?.id ?? null, quota: null };
    if (!key) return { valid: false, reason: 'unknown', ...base };
    if (key.status === 'REVOKED') return { valid: false, reason: key.revoked_reason === 'seat_reclaimed' ? 'seat_reclaimed' : 'revoked', ...base };
    if (key.expires_at && new Date(key.expires_at).getTime() <= now) return { valid: false, reason: 'expired', ...base };
    if (key.team_id) {
      const seats = await this.postgres.query(
        `SELECT s.user_id, p.ends_at FROM plans p LEFT JOIN seats s ON s.plan_id = p.id AND s.user_id = $2 WHERE p.team_id = $1`,
        [key.team_id, key.user_id],
      );
      if (seats.length > 0) {
        const held = seats.find((s: { user_id: string | null }) => s.user_id);
        if (!held) return { valid: false, reason: 'no_seat', ...base };
        if (new Date(held.ends_at).getTime() <= now) return { valid: false, reason: 'seat_expired', ...base };
      }
      const quota = await this.tightestQuota(key, now);
      if (quota) {
        const result = { ...base, quota };
        return quota.remaining <= 0 ? { valid: false, reason: 'over_quota', ...result } : { valid: true, reason: 'ok', ...result };
      }
    }
    return { valid: true, reason: 'ok', ...base };
  }

  private async tightestQuota(key: { id: string; team_id: string; user_id: string }, now: number) {
    const quotas: Array<{ user_id: string | null; api_key_id: string | null; unit: string; period: string; limit: string }> = await this.postgres.query(
      `SELECT user_id, api_key_id, unit, period, "limit" FROM quotas WHERE team_id = $1 AND (user_id = $2 OR api_key_id = $3)`,
      [key.team_id, key.user_id, key.id],
    );
    let tightest: VerifyResult['quota'] = null;
    for (const q of quotas) {
      const used = await this.quotaUse.used(key.team_id, q.user_id ? 'user_id' : 'api_key_id', q.user_id ?? q.api_key_id!, q.unit, q.period, now);
      const limit = Number(q.limit);
      const remaining = limit - used;
      if (!tightest || remaining < tightest.remaining) tightest = { limit, used, remaining, unit: q.unit, period: q.period };
    }
    return tightest;
  }
}
