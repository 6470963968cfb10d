export * from './alert-rule.command';
export * from './create-alert-rule/create-alert-rule.usecase';
export * from './update-alert-rule/update-alert-rule.usecase';
export * from './delete-alert-rule/delete-alert-rule.usecase';
export * from './set-budget/set-budget.command';
export * from './set-budget/set-budget.usecase';
export * from './create-webhook/create-webhook.command';
export * from './create-webhook/create-webhook.usecase';

import { CreateAlertRule } from './create-alert-rule/create-alert-rule.usecase';
import { CreateWebhook } from './create-webhook/create-webhook.usecase';
import { DeleteAlertRule } from './delete-alert-rule/delete-alert-rule.usecase';
import { SetBudget } from './set-budget/set-budget.usecase';
import { UpdateAlertRule } from './update-alert-rule/update-alert-rule.usecase';

export const ALERT_USE_CASES = [CreateAlertRule, UpdateAlertRule, DeleteAlertRule, SetBudget, CreateWebhook];
