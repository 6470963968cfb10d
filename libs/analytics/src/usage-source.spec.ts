import { Granularity, UsageDimension } from './dto/usage-enums';
import { UsageFilterInput } from './dto/usage-filter.input';
import { planUsageSource, PlanRequest } from './usage-source';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.UTC(2026, 10, 23, 12, 34, 56);
const midnight = Date.UTC(2026, 10, 23);

function plan(overrides: Omit<Partial<PlanRequest>, 'filter'> & { filter?: Partial<UsageFilterInput> }): string {
  const { filter, ...rest } = overrides;
  return planUsageSource({
    filter: { range: {}, ...filter } as UsageFilterInput,
    from: midnight - 30 * DAY,
    to: midnight,
    timeZone: 'UTC',
    now,
    ...rest,
  });
}

describe('planUsageSource', () => {
  it('answers whole UTC days by any dimension from the day rollup', () => {
    expect(plan({ granularity: Granularity.DAY, dimension: UsageDimension.USER })).toBe('usage_1d');
    expect(plan({ dimension: UsageDimension.USER, secondDimension: UsageDimension.MODEL })).toBe('usage_1d');
  });

  it('sends team-level hour questions to the team hour rollup and user or key ones to the key hour rollup', () => {
    const hours = { from: midnight - 2 * DAY + 5 * HOUR, to: midnight, granularity: Granularity.HOUR };
    expect(plan({ ...hours, dimension: UsageDimension.MODEL })).toBe('usage_team_1h');
    expect(plan({ ...hours })).toBe('usage_team_1h');
    expect(plan({ ...hours, dimension: UsageDimension.API_KEY })).toBe('usage_key_1h');
    expect(plan({ ...hours, filter: { userIds: ['u'] }, dimension: UsageDimension.SERVICE })).toBe('usage_key_1h');
  });

  it('asks raw for a user or key together with a model below day grain', () => {
    const hours = { from: midnight - 2 * DAY + 5 * HOUR, to: midnight, granularity: Granularity.HOUR };
    expect(plan({ ...hours, dimension: UsageDimension.USER, secondDimension: UsageDimension.MODEL })).toBe('call_events');
    expect(plan({ ...hours, filter: { apiKeyIds: ['k'] }, dimension: UsageDimension.MODEL_TYPE })).toBe('call_events');
  });

  it('days in whole-hour zones come from hour rollups, in half-hour zones from the minute rollup or raw', () => {
    const kolkataMidnight = midnight - 5.5 * HOUR;
    expect(plan({ timeZone: 'Europe/Berlin', from: midnight - 7 * DAY - HOUR, to: midnight - HOUR, granularity: Granularity.DAY })).toBe(
      'usage_team_1h',
    );
    expect(plan({ timeZone: 'Asia/Kolkata', from: kolkataMidnight - 7 * DAY, to: kolkataMidnight, granularity: Granularity.DAY })).toBe(
      'usage_1m',
    );
    expect(plan({ timeZone: 'Asia/Kolkata', from: kolkataMidnight - 20 * DAY, to: kolkataMidnight, granularity: Granularity.DAY })).toBe(
      'call_events',
    );
  });

  it('tags live only in raw', () => {
    expect(plan({ filter: { tags: ['a'] } })).toBe('call_events');
  });
});
