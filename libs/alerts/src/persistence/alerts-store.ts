import { AlertEventRepository } from './alert-event.repository';
import { AlertRuleRepository } from './alert-rule.repository';
import { BudgetRepository } from './budget.repository';
import type { Queryable } from './queryable';
import { WebhookRepository } from './webhook.repository';

/** Every alerts table's repository over one connection or transaction. */
export interface AlertsStore {
  rules: AlertRuleRepository;
  budgets: BudgetRepository;
  events: AlertEventRepository;
  webhooks: WebhookRepository;
}

export function alertsStore(db: Queryable): AlertsStore {
  return {
    rules: new AlertRuleRepository(db),
    budgets: new BudgetRepository(db),
    events: new AlertEventRepository(db),
    webhooks: new WebhookRepository(db),
  };
}
