import { UsageMetric } from '@app/analytics';
import { BadUserInputError } from '@app/errors';
import { buildCommand } from '@app/teams';
import { AlertRuleCommand, ruleSetting } from './alert-rule.command';

const build = (input: object) =>
  buildCommand(AlertRuleCommand, { name: 'errors up', metric: UsageMetric.ERRORS, ...input });

describe('AlertRuleCommand', () => {
  it('defaults a threshold rule to a 5-minute window and WARNING, deduplicating endpoints', () => {
    const setting = ruleSetting(build({ above: 10 }), 't1', { teamIds: ['t1'] }, ['w1', 'w1']);
    expect(setting).toMatchObject({ above: 10, below: null, windowMinutes: 5, severity: 'WARNING' });
    expect(setting.webhookIds).toEqual(['w1']);
  });

  it('keeps an anomaly rule without a window', () => {
    expect(ruleSetting(build({ anomalyScore: 4.5 }), null, {}, [])).toMatchObject({
      anomalyScore: 4.5,
      windowMinutes: null,
      teamId: null,
    });
  });

  it('needs exactly one condition, and a window only for thresholds', () => {
    expect(() => ruleSetting(build({}), null, {}, [])).toThrow(BadUserInputError);
    expect(() => ruleSetting(build({ above: 1, below: 0 }), null, {}, [])).toThrow(/exactly one condition/);
    expect(() => ruleSetting(build({ anomalyScore: 3, windowMinutes: 5 }), null, {}, [])).toThrow(/windowMinutes/);
  });

  it('refuses bad input when built: unknown severity, a blank name, infinite bounds, unknown fields', () => {
    expect(() => build({ above: 1, severity: 'PANIC' })).toThrow(BadUserInputError);
    expect(() => build({ above: 1, name: '   ' })).toThrow(BadUserInputError);
    expect(() => build({ above: Infinity })).toThrow(BadUserInputError);
    expect(() => build({ above: 1, windowMinutes: 2000 })).toThrow(BadUserInputError);
    expect(() => build({ above: 1, webhookIds: ['not-a-uuid'] })).toThrow(BadUserInputError);
    expect(() => build({ above: 1, sql: 'DROP TABLE' })).toThrow(BadUserInputError);
  });
});
