import { FamilySeriesRead, SERIES_FAMILIES } from './series-reads';
import { summarizeTeamEvent, TeamEventNotesRead } from './team-event-notes';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const WEEK = 7 * 24 * HOUR;
const now = Date.UTC(2026, 11, 1, 12, 34);
const minutes = [{ from: now - 5 * MINUTE, to: now }];
const pastWeeks = [1, 2].map((w) => ({ from: now - w * WEEK, to: now - w * WEEK + HOUR }));

/**
 * The detector's reads, pinned: one statement per family and grain, values only as parameters.
 * A change here is a change of what the engine runs every minute.
 */
describe('detector query objects', () => {
  it.each(SERIES_FAMILIES)('%s minutes and past-week hours', (family) => {
    expect(new FamilySeriesRead(family, 'minute', minutes).toSQL()).toMatchSnapshot('minute');
    expect(new FamilySeriesRead(family, 'hour', pastWeeks).toSQL()).toMatchSnapshot('hour');
  });

  it('reads key minutes from raw events bounded by their hour (the sort key), keys hours from usage_key_1h', () => {
    const raw = new FamilySeriesRead('API_KEY', 'minute', minutes).toSQL().sql;
    expect(raw).toContain('FROM call_events WHERE occurred_at >= fromUnixTimestamp64Milli({from0_0:Int64})');
    expect(raw).toContain('toStartOfHour(occurred_at) >= toStartOfHour(');
    expect(new FamilySeriesRead('API_KEY', 'hour', pastWeeks).toSQL().sql).toContain('FROM usage_key_1h WHERE');
    expect(() => new FamilySeriesRead('TEAM', 'minute', [])).toThrow();
  });

  it('TTFT comes with every family read: merged from the rollups, exact over raw key minutes', () => {
    for (const family of SERIES_FAMILIES) {
      expect(new FamilySeriesRead(family, 'hour', pastWeeks).toSQL().sql).toContain(
        'quantilesTDigestMerge(0.5, 0.95, 0.99)(ttft)[2] AS ttft_p95',
      );
    }
    expect(new FamilySeriesRead('TEAM', 'minute', minutes).toSQL().sql).toContain(
      '(ttft)[2] AS ttft_p95 FROM usage_team_1m',
    );
    expect(new FamilySeriesRead('API_KEY', 'minute', minutes).toSQL().sql).toContain(
      'quantileExact(0.95)(ttft_ms) AS ttft_p95 FROM call_events',
    );
  });

  it('team events of the incidents teams, by parameters', () => {
    const read = new TeamEventNotesRead(['11111111-1111-1111-1111-111111111111'], now - HOUR, now);
    expect(read.toSQL()).toMatchSnapshot();
  });

  it('summarises an event from its payload, and survives a bad one', () => {
    expect(summarizeTeamEvent('ApiKeyRevoked', '{"apiKeyId":"k1"}')).toBe('API key k1 revoked');
    expect(summarizeTeamEvent('RoleChanged', '{"userId":"u1","from":"MEMBER","to":"ADMIN"}')).toBe(
      'role of user u1 changed from MEMBER to ADMIN',
    );
    expect(summarizeTeamEvent('QuotaSet', '{"apiKeyId":"k2"}')).toBe('quota set on key k2');
    expect(summarizeTeamEvent('QuotaDeleted', '{"userId":null,"apiKeyId":null}')).toBe('quota deleted on the team');
    expect(summarizeTeamEvent('ApiKeySuspended', '{"apiKeyId":"k3"}')).toBe('API key k3 suspended');
    expect(summarizeTeamEvent('ApiKeyResumed', '{"apiKeyId":"k3"}')).toBe('API key k3 resumed');
    expect(summarizeTeamEvent('SeatReclaimed', 'not json')).toBe('seat of user ? reclaimed (their keys revoked)');
  });
});
