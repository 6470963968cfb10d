import { Injectable } from '@nestjs/common';
import { ClickHouseGateway } from '@app/clickhouse';
import { quotaSubject, QuotaRow } from './persistence';

/** How long quota use read from ClickHouse is reused: a key can exceed its quota by at most this much traffic. */
export const QUOTA_USE_CACHE_MS = 5_000;

/** What a quota measures: whose use (a member, a key, or the whole team), in which unit, over which period. */
export type MeasuredQuota = Pick<QuotaRow, 'team_id' | 'user_id' | 'api_key_id'> & { unit: string; period: string };

/** One member's use through one key of a team, this UTC month and the part of it this UTC day. */
export interface KeyUse {
  team: string;
  member: string;
  apiKey: string;
  tokensToday: number;
  tokensThisMonth: number;
  creditsToday: number;
  creditsThisMonth: number;
}

/**
 * Use of some teams by member and key since the start of the UTC month, with the part since
 * the start of the UTC day, from the key hour rollup: one read answers every quota of those
 * teams, whatever its subject, unit and period (rows are bounded by the teams' keys).
 */
export class QuotaUseRead {
  constructor(
    readonly teamIds: readonly string[],
    readonly now: number,
  ) {}

  toSQL(): { sql: string; params: Record<string, unknown> } {
    const tokens = 'input_tokens + output_tokens';
    const today = 'hour >= fromUnixTimestamp({dayStart:Int64})';
    return {
      sql:
        // aliases differ from the columns: an alias named as a column would stand for it in WHERE
        'SELECT toString(team_id) AS team, toString(user_id) AS member, toString(api_key_id) AS apiKey, ' +
        `sumIf(${tokens}, ${today}) AS tokensToday, sum(${tokens}) AS tokensThisMonth, ` +
        `toFloat64(sumIf(credits, ${today})) AS creditsToday, toFloat64(sum(credits)) AS creditsThisMonth ` +
        'FROM usage_key_1h WHERE team_id IN {teamIds:Array(UUID)} AND hour >= fromUnixTimestamp({monthStart:Int64}) ' +
        'GROUP BY team_id, user_id, api_key_id',
      params: {
        teamIds: this.teamIds,
        dayStart: Math.floor(QuotaUseReader.periodStart('DAY', this.now) / 1000),
        monthStart: Math.floor(QuotaUseReader.periodStart('MONTH', this.now) / 1000),
      },
    };
  }
}

function keyUse(r: Record<keyof KeyUse, string | number>): KeyUse {
  return {
    team: String(r.team),
    member: String(r.member),
    apiKey: String(r.apiKey),
    tokensToday: Number(r.tokensToday),
    tokensThisMonth: Number(r.tokensThisMonth),
    creditsToday: Number(r.creditsToday),
    creditsThisMonth: Number(r.creditsThisMonth),
  };
}

/** A quota's use in its current period, from its team's rows of QuotaUseRead. */
function useOf(q: MeasuredQuota, rows: readonly KeyUse[]): number {
  const { column, id } = quotaSubject(q);
  const field = column === 'user_id' ? 'member' : column === 'api_key_id' ? 'apiKey' : 'team';
  const measure: keyof KeyUse =
    q.unit === 'TOKENS'
      ? q.period === 'DAY'
        ? 'tokensToday'
        : 'tokensThisMonth'
      : q.period === 'DAY'
        ? 'creditsToday'
        : 'creditsThisMonth';
  let used = 0;
  for (const row of rows) if (row[field] === id) used += row[measure];
  return used;
}

/** Use against quotas in their current period (UTC day or month), from the key hour rollup. */
@Injectable()
export class QuotaUseReader {
  private readonly cache = new Map<string, { at: number; rows: KeyUse[] }>();

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

  /**
   * One quota's use read now, uncached (key verification's seeds: its UsageTally keeps the use
   * in memory between them, so a seed must hold every call the rollup has).
   */
  async read(quota: MeasuredQuota, now: number): Promise<number> {
    const { sql, params } = new QuotaUseRead([quota.team_id], now).toSQL();
    const rows = await this.clickhouse.query<Record<keyof KeyUse, string | number>>(sql, { params });
    return useOf(quota, rows.map(keyUse));
  }

  /** The use of each quota in its current period, in its order: one read for all the teams not cached. */
  async used(quotas: readonly MeasuredQuota[], now: number): Promise<number[]> {
    const byTeam = await this.useOfTeams([...new Set(quotas.map((q) => q.team_id))], now);
    return quotas.map((q) => useOf(q, byTeam.get(q.team_id) ?? []));
  }

  private async useOfTeams(teamIds: readonly string[], now: number): Promise<Map<string, KeyUse[]>> {
    const byTeam = new Map<string, KeyUse[]>();
    const stale: string[] = [];
    for (const team of teamIds) {
      const cached = this.cache.get(team);
      if (cached && now - cached.at < QUOTA_USE_CACHE_MS) byTeam.set(team, cached.rows);
      else stale.push(team);
    }
    if (stale.length === 0) return byTeam;
    const { sql, params } = new QuotaUseRead(stale, now).toSQL();
    const rows = await this.clickhouse.query<Record<keyof KeyUse, string | number>>(sql, { params });
    for (const team of stale) byTeam.set(team, []);
    for (const r of rows) byTeam.get(String(r.team))?.push(keyUse(r));
    for (const team of stale) this.cache.set(team, { at: now, rows: byTeam.get(team)! });
    return byTeam;
  }
}
