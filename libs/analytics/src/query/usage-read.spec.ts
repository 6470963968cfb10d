import { Granularity, UsageDimension, UsageMetric } from '@app/catalog';
import { UsageFilterInput } from '../dto/usage-filter.input';
import { GroupedUsageRead, RankedUsageRead } from './usage-read';
import { buildWhere } from './where-clause';

const HOUR = 3_600_000;
const team = '11111111-1111-1111-1111-111111111111';
const filter = { range: {}, teamIds: [team], tags: ['x'] } as UsageFilterInput;

describe('usage query objects', () => {
  it('bound a raw read by the event time and its hour, and filter by parameters', () => {
    expect(buildWhere(filter, [{ from: 0, to: HOUR }], 'call_events', 2)).toEqual({
      sql:
        'occurred_at >= fromUnixTimestamp64Milli({from2_0:Int64}) AND ' +
        'occurred_at < fromUnixTimestamp64Milli({to2_0:Int64}) AND ' +
        'toStartOfHour(occurred_at) >= toStartOfHour(fromUnixTimestamp64Milli({from2_0:Int64})) AND ' +
        'toStartOfHour(occurred_at) <= toStartOfHour(fromUnixTimestamp64Milli({to2_0:Int64})) AND ' +
        'NOT is_test AND team_id IN {teamIds:Array(UUID)} AND hasAny(tags, {tags:Array(String)})',
      params: { from2_0: 0, to2_0: HOUR, teamIds: [team], tags: ['x'] },
    });
  });

  it('leave test calls out of a raw read unless the filter includes them; a rollup holds none to leave out', () => {
    expect(buildWhere(filter, [{ from: 0, to: HOUR }], 'call_events').sql).toContain(' AND NOT is_test AND ');
    expect(buildWhere({ ...filter, includeTest: true }, [{ from: 0, to: HOUR }], 'call_events').sql).not.toContain(
      'is_test',
    );
    expect(buildWhere(filter, [{ from: 0, to: HOUR }], 'usage_team_1h').sql).not.toContain('is_test');
  });

  it('bound a day rollup by UTC dates, and a rollup read as rows summed by the outer level', () => {
    const read = new GroupedUsageRead({
      filter: { range: {} },
      plan: [{ table: 'usage_team_totals_1d', from: 0, to: 24 * HOUR }],
      timeZone: 'UTC',
      granularity: Granularity.DAY,
      dimension: UsageDimension.TEAM,
      measures: new Set(['credits'] as const),
    });
    expect(read.toSQL()).toEqual({
      sql:
        'SELECT bucket, toString(g_key) AS group_key, sum(s_requests) AS requests, ' +
        'toString(sum(s_credits)) AS credits_total\n' +
        "        FROM (SELECT toUnixTimestamp(toStartOfDay(toDateTime(day, 'UTC'), {tz:String})) * 1000 AS bucket, " +
        'team_id AS g_key, requests AS s_requests, credits AS s_credits FROM usage_team_totals_1d ' +
        "WHERE day >= toDate(fromUnixTimestamp({from0_0:Int64}), 'UTC') " +
        "AND day < toDate(fromUnixTimestamp({to0_0:Int64}), 'UTC')) GROUP BY bucket, g_key",
      params: { tz: 'UTC', from0_0: 0, to0_0: 86_400 },
    });
    expect(read.columns()).toEqual(['bucket', 'group_key', 'requests', 'credits_total']);
  });

  it('rank in the engine and cut one page, the metric as an expression over the grouped row', () => {
    const read = new GroupedUsageRead({
      filter: { range: {} },
      plan: [{ table: 'usage_key_1h', from: 0, to: HOUR }],
      timeZone: 'UTC',
      dimension: UsageDimension.API_KEY,
      measures: new Set(['successes'] as const),
    });
    const ranked = new RankedUsageRead(read, {
      metric: UsageMetric.SUCCESS_RATE,
      descending: false,
      nullsAs: 2,
      limit: 5,
      offset: 0,
    }).toSQL();
    expect(ranked.sql).toContain(
      'toFloat64(coalesce(if(requests > 0, successes / requests, NULL), {null_rank:Float64}))',
    );
    expect(ranked.sql).toMatch(
      /ORDER BY rank_value ASC, group_key LIMIT \{rank_limit:UInt32\} OFFSET \{rank_offset:UInt64\}$/,
    );
    expect(ranked.params).toMatchObject({ null_rank: 2, rank_limit: 5, rank_offset: 0 });
  });
});
