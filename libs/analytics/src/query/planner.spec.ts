import { Granularity, UsageDimension } from '@app/catalog';
import { UsageFilterInput } from '../dto/usage-filter.input';
import { REPORT_MEASURES } from '../cost-report.query';
import { planUsage, PlanRequest, UsagePlan } from './planner';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.UTC(2026, 10, 23, 12, 34, 56);
const midnight = Date.UTC(2026, 10, 23);

function segments(overrides: Omit<Partial<PlanRequest>, 'filter'> & { filter?: Partial<UsageFilterInput> }): UsagePlan {
  const { filter, ...rest } = overrides;
  return planUsage({
    filter: { range: {}, ...filter },
    from: midnight - 30 * DAY,
    to: midnight,
    timeZone: 'UTC',
    now,
    ...rest,
  });
}

/** The source of a plan that is one segment (an aligned range). */
function plan(overrides: Parameters<typeof segments>[0]): string {
  const result = segments(overrides);
  expect(result).toHaveLength(1);
  return result[0].table;
}

describe('planUsage', () => {
  it('answers whole UTC days from the smallest rollup that holds the dimensions', () => {
    const team = { teamIds: ['t'] };
    expect(plan({ filter: team, granularity: Granularity.DAY })).toBe('usage_team_totals_1d');
    expect(plan({ filter: { ...team, sources: ['business'] }, dimension: UsageDimension.TEAM })).toBe(
      'usage_team_totals_1d',
    );
    expect(plan({ dimension: UsageDimension.TEAM })).toBe('usage_team_totals_1d');
    expect(plan({ granularity: Granularity.DAY, dimension: UsageDimension.USER })).toBe('usage_key_1d');
    expect(plan({ filter: { services: ['chat'] }, dimension: UsageDimension.API_KEY })).toBe('usage_key_1d');
    expect(plan({ filter: team, dimension: UsageDimension.MODEL })).toBe('usage_detail_1d');
    expect(plan({ dimension: UsageDimension.USER, secondDimension: UsageDimension.MODEL })).toBe('usage_detail_1d');
    expect(plan({ dimension: UsageDimension.USER, secondDimension: UsageDimension.MODEL, measures: new Set() })).toBe(
      'usage_user_models_1d',
    );
    // per user without key, service or source: the user day rollup (one row per user, not per key)
    expect(plan({ dimension: UsageDimension.USER, measures: new Set() })).toBe('usage_user_1d');
    expect(
      plan({
        filter: team,
        dimension: UsageDimension.USER,
        measures: new Set(['cost', 'latency', 'activeUsers'] as const),
      }),
    ).toBe('usage_user_1d');
    expect(plan({ dimension: UsageDimension.USER, measures: new Set(['callsBySource'] as const) })).toBe(
      'usage_key_1d',
    );
    expect(plan({ filter: { services: ['chat'] }, dimension: UsageDimension.USER, measures: new Set() })).toBe(
      'usage_key_1d',
    );
  });

  it('answers questions across all teams from the platform rollups, which have no team column', () => {
    expect(plan({ granularity: Granularity.DAY })).toBe('usage_platform_totals_1d');
    expect(plan({ filter: { sources: ['internal'] } })).toBe('usage_platform_totals_1d');
    expect(plan({ granularity: Granularity.HOUR })).toBe('usage_platform_totals_1h');
    expect(plan({ dimension: UsageDimension.MODEL, filter: { modelTypes: ['text'] } })).toBe('usage_platform_1h');
    // requests by model: the team-model day rollup, not the user-model one (30 times the rows a day)
    expect(plan({ dimension: UsageDimension.MODEL, measures: new Set() })).toBe('usage_team_models_1d');
    expect(plan({ filter: { teamIds: ['t'] }, dimension: UsageDimension.MODEL, measures: new Set() })).toBe(
      'usage_team_models_1d',
    );
    expect(plan({ dimension: UsageDimension.TEAM, secondDimension: UsageDimension.MODEL, measures: new Set() })).toBe(
      'usage_team_models_1d',
    );
    expect(
      plan({
        filter: { teamIds: ['t'] },
        dimension: UsageDimension.USER,
        secondDimension: UsageDimension.MODEL,
        measures: new Set(),
      }),
    ).toBe('usage_user_models_1d');
    expect(plan({ granularity: Granularity.HOUR, dimension: UsageDimension.SERVICE })).toBe('usage_platform_1h');
    expect(plan({ filter: { teamIds: ['t'] }, granularity: Granularity.HOUR, dimension: UsageDimension.SERVICE })).toBe(
      'usage_team_1h',
    );
  });

  it('sends team-level hour questions to the team hour rollups and user or key ones to the key hour rollup', () => {
    const hours = { from: midnight - 2 * DAY + 5 * HOUR, to: midnight, granularity: Granularity.HOUR };
    const team = { teamIds: ['t'] };
    expect(plan({ ...hours, filter: team, dimension: UsageDimension.MODEL })).toBe('usage_team_1h');
    expect(plan({ ...hours, filter: { ...team, modelTypes: ['text'] } })).toBe('usage_team_1h');
    expect(plan({ ...hours, filter: team })).toBe('usage_team_totals_1h');
    expect(plan({ ...hours, dimension: UsageDimension.TEAM })).toBe('usage_team_totals_1h');
    expect(plan({ ...hours, dimension: UsageDimension.API_KEY })).toBe('usage_key_1h');
    expect(plan({ ...hours, filter: { userIds: ['u'] }, dimension: UsageDimension.SERVICE })).toBe('usage_key_1h');
  });

  it('asks raw for a user or key with a model below day grain, unless only requests by user and model', () => {
    const hours = { from: midnight - 2 * DAY + 5 * HOUR, to: midnight, granularity: Granularity.HOUR };
    expect(plan({ ...hours, dimension: UsageDimension.USER, secondDimension: UsageDimension.MODEL })).toBe(
      'call_events',
    );
    expect(
      plan({
        ...hours,
        dimension: UsageDimension.USER,
        secondDimension: UsageDimension.MODEL,
        measures: new Set(['cost']),
      }),
    ).toBe('call_events');
    expect(plan({ ...hours, filter: { apiKeyIds: ['k'] }, dimension: UsageDimension.MODEL_TYPE })).toBe('call_events');
    expect(
      plan({
        ...hours,
        filter: { teamIds: ['t'] },
        dimension: UsageDimension.USER,
        secondDimension: UsageDimension.MODEL,
        measures: new Set(),
      }),
    ).toBe('usage_user_models_1h');
    // the key hour rollup is the smaller where no model is asked for
    expect(plan({ ...hours, dimension: UsageDimension.USER, measures: new Set() })).toBe('usage_key_1h');
    expect(
      plan({
        ...hours,
        dimension: UsageDimension.USER,
        secondDimension: UsageDimension.MODEL,
        filter: { services: ['chat'] },
        measures: new Set(),
      }),
    ).toBe('call_events');
  });

  it('days in whole-hour zones come from hour rollups, in half-hour zones from the minute rollup or raw', () => {
    const kolkataMidnight = midnight - 5.5 * HOUR;
    const berlinWeek = {
      timeZone: 'Europe/Berlin',
      from: midnight - 7 * DAY - HOUR,
      to: midnight - HOUR,
      granularity: Granularity.DAY,
    };
    expect(plan({ ...berlinWeek, filter: { teamIds: ['t'] } })).toBe('usage_team_totals_1h');
    expect(plan({ ...berlinWeek, filter: { teamIds: ['t'] }, dimension: UsageDimension.SERVICE })).toBe(
      'usage_team_1h',
    );
    expect(plan(berlinWeek)).toBe('usage_platform_totals_1h');
    expect(
      plan({
        timeZone: 'Asia/Kolkata',
        from: kolkataMidnight - 7 * DAY,
        to: kolkataMidnight,
        granularity: Granularity.DAY,
      }),
    ).toBe('usage_platform_totals_1m');
    expect(
      plan({
        timeZone: 'Asia/Kolkata',
        from: kolkataMidnight - 7 * DAY,
        to: kolkataMidnight,
        granularity: Granularity.DAY,
        filter: { teamIds: ['t'] },
      }),
    ).toBe('usage_team_1m');
  });

  it('answers tag filters and groups by tag from the tag rollups, which hold tagged calls only', () => {
    expect(plan({ filter: { tags: ['a'] } })).toBe('usage_tags_1d');
    expect(plan({ filter: { tags: ['a'], userIds: ['u'] }, dimension: UsageDimension.MODEL })).toBe('usage_tags_1d');
    expect(plan({ dimension: UsageDimension.TAG, granularity: Granularity.HOUR, to: midnight + HOUR })).toBe(
      'usage_tags_1h',
    );
    // nothing else reads them: they lack the untagged calls
    expect(plan({ filter: { teamIds: ['t'] }, dimension: UsageDimension.MODEL })).toBe('usage_detail_1d');
    // tag and user by hour: no rollup holds both
    expect(plan({ filter: { tags: ['a'], userIds: ['u'] }, granularity: Granularity.HOUR, to: midnight + HOUR })).toBe(
      'call_events',
    );
  });

  it('answers HTTP status and error code from the error rollups', () => {
    expect(plan({ dimension: UsageDimension.HTTP_STATUS })).toBe('usage_errors_1d');
    expect(plan({ filter: { errorCodes: ['timeout'], teamIds: ['t'] }, dimension: UsageDimension.MODEL })).toBe(
      'usage_errors_1d',
    );
    expect(plan({ filter: { httpStatuses: [500] }, granularity: Granularity.HOUR, to: midnight + HOUR })).toBe(
      'usage_errors_1h',
    );
    // no error rollup keeps users, keys, services or tags
    expect(plan({ filter: { httpStatuses: [500] }, dimension: UsageDimension.SERVICE })).toBe('call_events');
    expect(plan({ filter: { errorCodes: ['x'], tags: ['a'] } })).toBe('call_events');
  });

  it('answers the aligned interior from a rollup and the unaligned edges from finer sources', () => {
    const from = midnight - 7 * DAY + 17 * 60_000; // a preset's edges fall on minutes
    const to = midnight + 12 * HOUR + 35 * 60_000;
    expect(segments({ from, to })).toEqual([
      { table: 'usage_platform_totals_1m', from, to: midnight - 7 * DAY + HOUR },
      { table: 'usage_platform_totals_1h', from: midnight - 7 * DAY + HOUR, to: midnight - 6 * DAY },
      { table: 'usage_platform_totals_1d', from: midnight - 6 * DAY, to: midnight },
      { table: 'usage_platform_totals_1h', from: midnight, to: midnight + 12 * HOUR },
      { table: 'usage_platform_totals_1m', from: midnight + 12 * HOUR, to },
    ]);
    const team = { teamIds: ['t'] };
    expect(segments({ from, to, filter: team })).toEqual([
      { table: 'usage_team_1m', from, to: midnight - 7 * DAY + HOUR },
      { table: 'usage_team_totals_1h', from: midnight - 7 * DAY + HOUR, to: midnight - 6 * DAY },
      { table: 'usage_team_totals_1d', from: midnight - 6 * DAY, to: midnight },
      { table: 'usage_team_totals_1h', from: midnight, to: midnight + 12 * HOUR },
      { table: 'usage_team_1m', from: midnight + 12 * HOUR, to },
    ]);
    // per key, the minute rollup cannot answer the edges: raw does
    expect(segments({ from, to, dimension: UsageDimension.API_KEY }).map((s) => s.table)).toEqual([
      'call_events',
      'usage_key_1h',
      'usage_key_1d',
      'usage_key_1h',
      'call_events',
    ]);
    expect(segments({ from, to, filter: team, dimension: UsageDimension.MODEL }).map((s) => s.table)).toEqual([
      'usage_team_1m',
      'usage_team_1h',
      'usage_detail_1d',
      'usage_team_1h',
      'usage_team_1m',
    ]);
  });

  it("lets today's row of a day rollup answer a range that ends past the future horizon", () => {
    // a 30-day preset at 12:34:56 ends at 13:00: no event can be stamped after 12:40 yet
    const nextHour = Date.UTC(2026, 10, 23, 13);
    const from = nextHour - 30 * DAY;
    expect(segments({ from, to: nextHour, dimension: UsageDimension.API_KEY })).toEqual([
      { table: 'usage_key_1h', from, to: midnight - 29 * DAY },
      { table: 'usage_key_1d', from: midnight - 29 * DAY, to: midnight + DAY },
    ]);
    // three minutes before the hour an event may be stamped after it: today's part from the hours
    const late = Date.UTC(2026, 10, 23, 12, 57);
    expect(segments({ from, to: nextHour, now: late, dimension: UsageDimension.API_KEY })).toEqual([
      { table: 'usage_key_1h', from, to: midnight - 29 * DAY },
      { table: 'usage_key_1d', from: midnight - 29 * DAY, to: midnight },
      { table: 'usage_key_1h', from: midnight, to: nextHour },
    ]);
    // hourly buckets today cannot come from a day row
    expect(
      segments({ from: midnight - DAY, to: nextHour, granularity: Granularity.HOUR, filter: { teamIds: ['t'] } }).map(
        (seg) => seg.table,
      ),
    ).toEqual(['usage_team_totals_1h']);
  });

  it("splits at a rollup's retention: older than the minute rollup keeps goes to raw", () => {
    const kolkataMidnight = midnight - 5.5 * HOUR;
    const plan30 = segments({
      timeZone: 'Asia/Kolkata',
      from: kolkataMidnight - 20 * DAY,
      to: kolkataMidnight,
      granularity: Granularity.DAY,
    });
    expect(plan30.map((s) => s.table)).toEqual(['call_events', 'usage_platform_totals_1m']);
    expect(plan30[0].from).toBe(kolkataMidnight - 20 * DAY);
    expect(plan30[1].to).toBe(kolkataMidnight);
    expect(plan30[0].to).toBe(plan30[1].from);
    expect(plan30[1].from).toBeGreaterThanOrEqual(now - 14 * DAY);
  });

  it('answers a read that includes test calls from the raw events, the rollups only before raw retention', () => {
    // test calls are left out of every rollup: the same read without includeTest stays on them
    expect(plan({ granularity: Granularity.DAY })).toBe('usage_platform_totals_1d');
    expect(segments({ filter: { includeTest: true }, granularity: Granularity.DAY })).toEqual([
      { table: 'call_events', from: midnight - 30 * DAY, to: midnight },
    ]);
    // 120 days back: raw keeps 90, from the first whole hour it surely holds; the days before come from a rollup
    const rawFrom = Math.ceil((now - 90 * DAY + 60_000) / HOUR) * HOUR;
    const older = segments({ filter: { includeTest: true }, from: midnight - 120 * DAY, granularity: Granularity.DAY });
    expect(older.at(-1)).toEqual({ table: 'call_events', from: rawFrom, to: midnight });
    expect(older.slice(0, -1).every((s) => s.table !== 'call_events' && s.to <= rawFrom)).toBe(true);
    expect(older[0].from).toBe(midnight - 120 * DAY);
  });

  it('answers a grouping by several dimensions from a rollup keyed by all of them, else from raw events', () => {
    // what a cost report reads: sums only
    const day = { granularity: Granularity.DAY, measures: REPORT_MEASURES };
    expect(plan({ ...day, groupBy: [UsageDimension.TEAM, UsageDimension.MODEL] })).toBe('usage_detail_1d');
    expect(plan({ ...day, groupBy: [UsageDimension.USER, UsageDimension.SERVICE] })).toBe('usage_key_1d');
    expect(plan({ measures: REPORT_MEASURES, groupBy: [UsageDimension.TEAM, UsageDimension.USER] })).toBe(
      'usage_user_1d',
    );
    expect(plan({ ...day, groupBy: [UsageDimension.TEAM, UsageDimension.HTTP_STATUS] })).toBe('usage_errors_1d');
    // the grouped dimensions and the filtered ones together
    expect(plan({ ...day, filter: { errorCodes: ['timeout'] }, groupBy: [UsageDimension.MODEL] })).toBe(
      'usage_errors_1d',
    );
    // no rollup keeps users with an HTTP status: raw events, within their retention
    expect(plan({ ...day, groupBy: [UsageDimension.USER, UsageDimension.HTTP_STATUS] })).toBe('call_events');
  });
});
