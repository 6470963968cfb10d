import type { ClickHouseGateway } from '@app/clickhouse';
import { QUOTA_USE_CACHE_MS, QuotaUseRead, QuotaUseReader } from './quota-use.reader';

const NOW = Date.UTC(2026, 11, 2, 15, 30);
const [T1, T2] = ['11111111-1111-1111-1111-111111111111', '22222222-2222-2222-2222-222222222222'];

function reader(rows: object[]) {
  const query = jest.fn().mockResolvedValue(rows);
  return { query, reader: new QuotaUseReader({ query } as unknown as ClickHouseGateway) };
}

const row = (team: string, member: string, apiKey: string, today: number, month: number) => ({
  team,
  member,
  apiKey,
  tokensToday: String(today),
  tokensThisMonth: String(month),
  creditsToday: today / 8,
  creditsThisMonth: month / 8,
});

describe('QuotaUseReader', () => {
  it('reads the teams by parameters, from the start of the UTC month, with the UTC day apart', () => {
    expect(new QuotaUseRead([T1, T2], NOW).toSQL()).toMatchSnapshot();
  });

  it("answers each quota from one read: a member's, a key's, the whole team's use, by unit and period", async () => {
    const { query, reader: quotaUse } = reader([
      row(T1, 'u1', 'k1', 10, 100),
      row(T1, 'u1', 'k2', 20, 200),
      row(T1, 'u2', 'k3', 40, 400),
      row(T2, 'u1', 'k4', 80, 800),
    ]);
    const quota = (
      team_id: string,
      user_id: string | null,
      api_key_id: string | null,
      unit: string,
      period: string,
    ) => ({
      team_id,
      user_id,
      api_key_id,
      unit,
      period,
    });
    const used = await quotaUse.used(
      [
        quota(T1, 'u1', null, 'TOKENS', 'DAY'),
        quota(T1, null, 'k3', 'TOKENS', 'MONTH'),
        quota(T1, null, null, 'TOKENS', 'MONTH'),
        quota(T1, null, null, 'CREDITS', 'DAY'),
        quota(T2, 'u1', null, 'TOKENS', 'DAY'),
        quota(T2, 'u9', null, 'TOKENS', 'DAY'),
      ],
      NOW,
    );
    expect(used).toEqual([30, 400, 700, 8.75, 80, 0]);
    expect(query).toHaveBeenCalledTimes(1);
    expect(query.mock.calls[0][1].params.teamIds).toEqual([T1, T2]);
  });

  it('reuses a team read for a few seconds, then reads again', async () => {
    const { query, reader: quotaUse } = reader([row(T1, 'u1', 'k1', 10, 100)]);
    const teamWide = { team_id: T1, user_id: null, api_key_id: null, unit: 'TOKENS', period: 'DAY' };
    await quotaUse.used([teamWide], NOW);
    await quotaUse.used([teamWide], NOW + QUOTA_USE_CACHE_MS - 1);
    expect(query).toHaveBeenCalledTimes(1);
    await quotaUse.used([teamWide], NOW + QUOTA_USE_CACHE_MS);
    expect(query).toHaveBeenCalledTimes(2);
  });
});
