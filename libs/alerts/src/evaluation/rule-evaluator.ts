import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { metricValue, UsageFilterInput, UsageMetric, UsageQueries } from '@app/analytics';
import { logger } from '@app/observability';
import { AlertRaiser } from '../alert-raiser';
import { AlertRuleRepository, AlertRuleRow } from '../persistence';

export interface RuleOutcome {
  ruleId: string;
  value: number | null;
  breached: boolean;
  /** the state this evaluation moved the rule to; null when it stayed (or another evaluator moved it first) */
  changed: 'FIRING' | 'RESOLVED' | null;
}

/** Is the value across the rule's threshold? No value (a rate over no requests) crosses nothing. */
export function breaches(rule: Pick<AlertRuleRow, 'above' | 'below'>, value: number | null): boolean {
  if (value === null) return false;
  if (rule.above !== null) return value > rule.above;
  if (rule.below !== null) return value < rule.below;
  return false;
}

function describe(rule: AlertRuleRow, value: number | null, firing: boolean): string {
  const bound = rule.above !== null ? `above ${rule.above}` : `below ${rule.below}`;
  const shown = value === null ? 'no value' : String(Math.round(value * 1e6) / 1e6);
  return firing
    ? `${rule.name}: ${rule.metric} is ${shown}, ${bound}, over the last ${rule.window_minutes} min`
    : `${rule.name}: ${rule.metric} is back at ${shown} (threshold ${bound}, ${rule.window_minutes} min)`;
}

/**
 * Threshold rules: each enabled rule's metric over its window, read through the usage query
 * layer with the rule's filter; a rule fires once when its value crosses the threshold and
 * resolves once when it is back (its state is on the rule row, changed only from the other
 * state, so two evaluators racing write one event).
 */
@Injectable()
export class RuleEvaluator {
  private readonly rules: AlertRuleRepository;

  constructor(
    private readonly usage: UsageQueries,
    private readonly raiser: AlertRaiser,
    @InjectDataSource() postgres: DataSource,
  ) {
    this.rules = new AlertRuleRepository(postgres);
  }

  async evaluate(now = Date.now()): Promise<RuleOutcome[]> {
    const outcomes: RuleOutcome[] = [];
    for (const rule of await this.rules.enabledThresholdRules()) {
      try {
        outcomes.push(await this.evaluateRule(rule, now));
      } catch (error) {
        // one rule's failure (a filter the engine refuses) must not stop the others
        logger.warn('alert rule evaluation failed', { ruleId: rule.id, error: String(error) });
      }
    }
    return outcomes;
  }

  private async evaluateRule(rule: AlertRuleRow, now: number): Promise<RuleOutcome> {
    const minutes = rule.window_minutes!;
    const filter = {
      ...(rule.filter as Omit<UsageFilterInput, 'range'>),
      range: { from: new Date(now - minutes * 60_000), to: new Date(now), timeZone: 'UTC' },
    };
    const value = metricValue(await this.usage.totals(filter, now), rule.metric as UsageMetric, minutes);
    const breached = breaches(rule, value);
    if (breached === rule.firing) return { ruleId: rule.id, value, breached, changed: null };
    const changed = await this.raiser.transaction(async (store) => {
      if (!(await store.rules.transition(rule.id, breached))) return null;
      await this.raiser.raise(
        store,
        {
          teamId: rule.team_id,
          ruleId: rule.id,
          state: breached ? 'FIRING' : 'RESOLVED',
          severity: rule.severity,
          value,
          message: describe(rule, value, breached),
        },
        { webhookIds: rule.webhook_ids },
      );
      return breached ? ('FIRING' as const) : ('RESOLVED' as const);
    });
    return { ruleId: rule.id, value, breached, changed };
  }
}
