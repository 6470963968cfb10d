/** Rows as pg answers them (numeric columns as exact strings, bigint as strings). */
export interface AlertRuleRow {
  id: string;
  team_id: string | null;
  name: string;
  filter: Record<string, unknown>;
  metric: string;
  above: number | null;
  below: number | null;
  window_minutes: number | null;
  anomaly_score: number | null;
  severity: string;
  webhook_ids: string[];
  enabled: boolean;
  firing: boolean;
  state_changed_at: Date | null;
}

export type BudgetPeriod = 'DAY' | 'WEEK' | 'MONTH';

export interface BudgetRow {
  id: string;
  team_id: string;
  user_id: string | null;
  api_key_id: string | null;
  /** numeric(24, 9): exact text */
  amount: string;
  period: BudgetPeriod;
  time_zone: string;
  thresholds: number[];
}

export type AlertState = 'FIRING' | 'RESOLVED';

export interface AlertEventRow {
  id: string;
  seq: string;
  team_id: string | null;
  rule_id: string | null;
  budget_id: string | null;
  anomaly_id: string | null;
  state: AlertState;
  severity: string;
  at: Date;
  value: number | null;
  message: string;
}

export interface WebhookRow {
  id: string;
  team_id: string | null;
  url: string;
  secret_ciphertext: string;
}

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  alert_event_id: string;
  body: string;
  attempts: number;
  created_at: Date;
  url: string;
  secret_ciphertext: string;
}

export interface WebhookAttemptRow {
  id: string;
  delivery_id: string;
  webhook_id: string;
  team_id: string | null;
  alert_event_id: string;
  attempt: number;
  at: Date;
  http_status: number | null;
  latency_ms: number;
  error: string | null;
  status: string;
}
