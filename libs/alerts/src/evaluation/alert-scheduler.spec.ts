import { Registry } from 'prom-client';
import type { AppConfig } from '@app/config';
import { AlertsMetrics } from '../alerts.metrics';
import { AlertScheduler } from './alert-scheduler';
import type { BudgetEvaluator } from './budget-evaluator';
import type { RuleEvaluator } from './rule-evaluator';

function scheduler(intervalMs: number) {
  const rules = { evaluate: jest.fn().mockResolvedValue([]) };
  const budgets = { evaluate: jest.fn().mockResolvedValue([]) };
  const config = { alerts: { evaluationIntervalMs: intervalMs } } as AppConfig;
  const registry = new Registry();
  const s = new AlertScheduler(
    config,
    rules as unknown as RuleEvaluator,
    budgets as unknown as BudgetEvaluator,
    new AlertsMetrics(registry),
  );
  return { s, rules, budgets, registry };
}

describe('AlertScheduler', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('evaluates rules then budgets every interval, until the module stops', async () => {
    const { s, rules, budgets, registry } = scheduler(60_000);
    s.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(59_999);
    expect(rules.evaluate).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(rules.evaluate).toHaveBeenCalledTimes(1);
    expect(budgets.evaluate).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(rules.evaluate).toHaveBeenCalledTimes(2);
    expect(await registry.getSingleMetricAsString('alerts_evaluation_seconds')).toMatch(
      /alerts_evaluation_seconds_count 2/,
    );
    await s.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(300_000);
    expect(rules.evaluate).toHaveBeenCalledTimes(2);
  });

  it('keeps going after a failed run', async () => {
    const { s, rules } = scheduler(1000);
    rules.evaluate.mockRejectedValueOnce(new Error('engine down'));
    s.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(2000);
    expect(rules.evaluate).toHaveBeenCalledTimes(2);
    await s.onModuleDestroy();
  });

  it('does not run at all with an interval of 0 (tests drive it by hand)', async () => {
    const { s, rules } = scheduler(0);
    s.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(rules.evaluate).not.toHaveBeenCalled();
    await s.runOnce();
    expect(rules.evaluate).toHaveBeenCalledTimes(1);
  });
});
