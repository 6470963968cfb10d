import { Module } from '@nestjs/common';
import { AnalyticsModule } from '@app/analytics';
import { AnomaliesModule } from '@app/anomalies';
import { TeamsModule } from '@app/teams';
import { AlertsAccess } from './access/alerts-access';
import { AlertRaiser } from './alert-raiser';
import { AlertsLiveHub } from './alerts-live.hub';
import { AlertsMetrics } from './alerts.metrics';
import { AlertScheduler } from './evaluation/alert-scheduler';
import { AnomalyAlerts } from './evaluation/anomaly-alerts';
import { BudgetEvaluator } from './evaluation/budget-evaluator';
import { BudgetSpend } from './evaluation/budget-spend';
import { RuleEvaluator } from './evaluation/rule-evaluator';
import { AlertEventsResolver } from './resolvers/alert-events.resolver';
import { AlertRulesResolver } from './resolvers/alert-rules.resolver';
import { BudgetsResolver } from './resolvers/budgets.resolver';
import { WebhooksResolver } from './resolvers/webhooks.resolver';
import { ALERT_USE_CASES } from './usecases';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';

/**
 * Alerts, budgets and webhooks (issue 16): rules and budgets evaluated on the usage read path,
 * alert events written with their deliveries (the outbox) in one transaction, a dispatcher that
 * signs and retries them, the `alerts` subscription, and each key's budget for verification.
 * Anomaly incidents (the AnomalyIncidents port of @app/anomalies, which knows nothing of alerts)
 * become alert events through AnomalyAlerts and AlertRaiser.
 */
@Module({
  imports: [TeamsModule, AnalyticsModule, AnomaliesModule],
  providers: [
    AlertsAccess,
    AlertRaiser,
    AlertsLiveHub,
    AlertsMetrics,
    AlertScheduler,
    AnomalyAlerts,
    BudgetEvaluator,
    BudgetSpend,
    RuleEvaluator,
    WebhookDispatcher,
    ...ALERT_USE_CASES,
    AlertEventsResolver,
    AlertRulesResolver,
    BudgetsResolver,
    WebhooksResolver,
  ],
  exports: [AlertRaiser, AlertScheduler, RuleEvaluator, BudgetEvaluator, BudgetSpend, WebhookDispatcher],
})
export class AlertsModule {}
