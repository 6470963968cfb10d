import { Injectable } from '@nestjs/common';
import { ClickHouseGateway } from '@app/clickhouse';

/** How long quota use read from ClickHouse is reused: a key can exceed its quota by at most this much traffic. */
export const QUOTA_USE_CACHE_MS = 5_000;

/** Use against a quota in its current period (UTC day or month), from the key hour rollup. */
@Injectable()
export class QuotaUseReader {
  private readonly cache = new Map<string, { at: number; used: number }>();

  constructor(private readonly clickhouse: ClickHouseGateway) {}

  static periodStart(period: string, now: number): number {
    const d = new Date(now);
    return period === 'DAY'
      ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
      : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }

  /** The start of the period after the one `now` is in. */
  static periodEnd(period: string, now: number): number {
    const d = new Date(now);
    return period === 'DAY'
      ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
      : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }

  /** Cached for QUOTA_USE_CACHE_MS (the personal view's quota status). */
  async used(
    teamId: string,
    column: 'user_id' | 'api_key_id',
    id: string,
    unit: string,
    period: string,
    now: number,
  ): Promise<number> {
    const cacheKey = `${teamId}|${column}|${id}|${unit}|${period}`;
    const cached = this.cache.get(cacheKey);
    if (cached && now - cached.at < QUOTA_USE_CACHE_MS) return cached.used;
    const used = await this.read(teamId, column, id, unit, period, now);
    this.cache.set(cacheKey, { at: now, used });
    return used;
  }

  /** Read now (key verification's seeds: its UsageTally keeps the use in memory between them). */
  async read(
    teamId: string,
    column: 'user_id' | 'api_key_id',
    id: string,
    unit: string,
    period: string,
    now: number,
  ): Promise<number> {
    const start = QuotaUseReader.periodStart(period, now);
    const measure = unit === 'TOKENS' ? 'sum(input_tokens) + sum(output_tokens)' : 'toFloat64(sum(credits))';
    const [row] = await this.clickhouse.query<{ used: string }>(
      `SELECT ${measure} AS used FROM usage_key_1h WHERE team_id = {team:UUID} AND ${column} = {id:UUID} AND hour >=
        fromUnixTimestamp({start:Int64})`,
      { params: { team: teamId, id, start: Math.floor(start / 1000) } },
    );
    return Number(row?.used ?? 0);
  }
}
