import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { PageInfo, UsageFilterInput, UsageMetric } from '@app/analytics';
import type { AlertEventRow, AlertRuleRow, BudgetRow, WebhookAttemptRow, WebhookRow } from '../persistence';
import type { BudgetStatus } from '../evaluation/budget-spend';

export enum BudgetPeriodEnum {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(BudgetPeriodEnum, { name: 'BudgetPeriod' });

export const SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;

@InputType('AlertRuleInput')
export class AlertRuleInput {
  @Field(() => ID, { nullable: true, description: 'the team whose rule this is; null: a platform rule' })
  teamId?: string | null;
  @Field() name: string;
  @Field(() => UsageFilterInput, {
    nullable: true,
    description: 'what the rule watches; its range is ignored (the rule reads its last windowMinutes)',
  })
  @Type(() => UsageFilterInput)
  filter?: UsageFilterInput | null;
  @Field(() => UsageMetric) metric: UsageMetric;
  @Field(() => Float, { nullable: true }) above?: number | null;
  @Field(() => Float, { nullable: true }) below?: number | null;
  @Field(() => Int, { nullable: true, description: 'the window a threshold is read over, 1 to 1440; default 5' })
  windowMinutes?: number | null;
  @Field(() => Float, { nullable: true, description: 'fires on anomaly incidents scoring at least this' })
  anomalyScore?: number | null;
  @Field(() => String, { nullable: true, description: 'INFO, WARNING (default) or CRITICAL' })
  severity?: string | null;
  @Field(() => [ID], { nullable: true, description: "endpoints of the rule's team (or the platform's) to notify" })
  webhookIds?: string[] | null;
}

@ObjectType('AlertRule')
export class AlertRuleType {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => ID, { nullable: true }) teamId: string | null;
  @Field(() => UsageMetric) metric: UsageMetric;
  @Field() enabled: boolean;
  @Field(() => Float, { nullable: true }) above: number | null;
  @Field(() => Float, { nullable: true }) below: number | null;
  @Field(() => Int, { nullable: true }) windowMinutes: number | null;
  @Field(() => Float, { nullable: true }) anomalyScore: number | null;
  @Field() severity: string;
  @Field(() => [ID]) webhookIds: string[];
  @Field({ description: 'the threshold is crossed now (fired and not resolved yet)' }) firing: boolean;
}

export function toAlertRule(r: AlertRuleRow): AlertRuleType {
  return {
    id: r.id,
    name: r.name,
    teamId: r.team_id,
    metric: r.metric as UsageMetric,
    enabled: r.enabled,
    above: r.above,
    below: r.below,
    windowMinutes: r.window_minutes,
    anomalyScore: r.anomaly_score,
    severity: r.severity,
    webhookIds: r.webhook_ids,
    firing: r.firing,
  };
}

@ObjectType('Budget')
export class BudgetType {
  @Field(() => ID) id: string;
  @Field(() => ID) teamId: string;
  @Field(() => ID, { nullable: true }) userId: string | null;
  @Field(() => ID, { nullable: true }) apiKeyId: string | null;
  @Field({ description: 'exact decimal' }) amount: string;
  @Field({ description: 'exact decimal: cost in the current period' }) spent: string;
  @Field({ description: 'exact decimal: amount − spent (negative when overspent)' }) remaining: string;
  @Field(() => BudgetPeriodEnum) period: BudgetPeriodEnum;
  @Field() timeZone: string;
  @Field(() => [Int]) thresholds: number[];
  @Field({ description: 'start of the current period' }) periodStart: Date;
  @Field() exceeded: boolean;
}

export function toBudget(s: BudgetStatus): BudgetType {
  const b: BudgetRow = s.budget;
  return {
    id: b.id,
    teamId: b.team_id,
    userId: b.user_id,
    apiKeyId: b.api_key_id,
    amount: normalizeAmount(b.amount),
    spent: s.spent,
    remaining: s.remaining,
    period: b.period as BudgetPeriodEnum,
    timeZone: b.time_zone,
    thresholds: b.thresholds,
    periodStart: s.periodStart,
    exceeded: s.exceeded,
  };
}

/** numeric(24, 9) comes back with nine decimals; shown without trailing zeros. */
function normalizeAmount(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

@ObjectType('AlertEvent')
export class AlertEventType {
  @Field(() => ID) id: string;
  @Field(() => ID, { nullable: true }) teamId: string | null;
  @Field(() => ID, { nullable: true }) ruleId: string | null;
  @Field(() => ID, { nullable: true }) budgetId: string | null;
  @Field(() => ID, { nullable: true, description: 'the anomaly incident that raised it, if any' }) anomalyId:
    string | null;
  @Field({ description: 'FIRING or RESOLVED' }) state: string;
  @Field() severity: string;
  @Field() at: Date;
  @Field(() => Float, { nullable: true }) value: number | null;
  @Field() message: string;
  /** for the cursor, not a field */
  seq: string;
}

export function toAlertEvent(e: AlertEventRow): AlertEventType {
  return {
    id: e.id,
    teamId: e.team_id,
    ruleId: e.rule_id,
    budgetId: e.budget_id,
    anomalyId: e.anomaly_id,
    state: e.state,
    severity: e.severity,
    at: e.at,
    value: e.value,
    message: e.message,
    seq: e.seq,
  };
}

@ObjectType('AlertEventEdge')
export class AlertEventEdge {
  @Field() cursor: string;
  @Field(() => AlertEventType) node: AlertEventType;
}

@ObjectType('AlertEventConnection')
export class AlertEventConnection {
  @Field(() => [AlertEventEdge]) edges: AlertEventEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

@ObjectType('Webhook')
export class WebhookType {
  @Field(() => ID) id: string;
  @Field() url: string;
  @Field(() => ID, { nullable: true }) teamId: string | null;
}

export const toWebhook = (w: WebhookRow): WebhookType => ({ id: w.id, url: w.url, teamId: w.team_id });

@ObjectType('CreatedWebhook')
export class CreatedWebhookType {
  @Field(() => WebhookType) webhook: WebhookType;
  @Field({ description: 'the signing secret, shown once' }) secret: string;
}

@ObjectType('WebhookAttempt', { description: "one try of a delivery: the endpoint's delivery log" })
export class WebhookAttemptType {
  @Field(() => ID) id: string;
  @Field(() => ID, { description: 'the X-Usage-Delivery-Id header, the same on every try' }) deliveryId: string;
  @Field(() => ID) webhookId: string;
  @Field(() => ID, { nullable: true }) teamId: string | null;
  @Field(() => ID) alertEventId: string;
  @Field(() => Int) attempt: number;
  @Field() at: Date;
  @Field(() => Int, { nullable: true }) httpStatus: number | null;
  @Field(() => Int) latencyMs: number;
  @Field(() => String, { nullable: true }) error: string | null;
  @Field({ description: "the delivery's status now: PENDING, DELIVERED or FAILED" }) deliveryStatus: string;
}

export function toWebhookAttempt(a: WebhookAttemptRow): WebhookAttemptType {
  return {
    id: a.id,
    deliveryId: a.delivery_id,
    webhookId: a.webhook_id,
    teamId: a.team_id,
    alertEventId: a.alert_event_id,
    attempt: a.attempt,
    at: a.at,
    httpStatus: a.http_status,
    latencyMs: a.latency_ms,
    error: a.error,
    deliveryStatus: a.status,
  };
}
