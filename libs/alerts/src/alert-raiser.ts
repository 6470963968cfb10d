import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertEventRow, alertsStore, AlertsStore, NewAlertEvent } from './persistence';

/** Marks an incident's transition as alerted in the raising transaction; false when it already was. */
export type AnomalyClaim = (manager: EntityManager) => Promise<boolean>;

/** Where an alert event goes: the given endpoints (kept to those of the event's own team or platform scope). */
export type AlertTargets = { webhookIds: readonly string[] } | { allOfTeam: string };

/** The body every endpoint receives for an event; fixed when enqueued, so every retry signs the same bytes. */
export function deliveryBody(event: AlertEventRow): string {
  return JSON.stringify({
    type: 'alert',
    id: event.id,
    state: event.state,
    severity: event.severity,
    at: event.at.toISOString(),
    teamId: event.team_id,
    ruleId: event.rule_id,
    budgetId: event.budget_id,
    anomalyId: event.anomaly_id,
    value: event.value,
    message: event.message,
  });
}

/**
 * The one path by which anything becomes an alert: a threshold rule firing or resolving, a
 * budget threshold crossed, an anomaly incident opening or resolving (the detector calls
 * `raise` with the anomaly's id). The event and its deliveries (the outbox) are written in the
 * caller's transaction, together with whatever state change made the event, so that a committed
 * event is delivered and a rolled back one is not.
 */
@Injectable()
export class AlertRaiser {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  transaction<T>(work: (store: AlertsStore, manager: EntityManager) => Promise<T>): Promise<T> {
    return this.postgres.transaction((manager) => work(alertsStore(manager), manager));
  }

  async raise(store: AlertsStore, event: NewAlertEvent, targets: AlertTargets): Promise<AlertEventRow> {
    const row = await store.events.insert(event);
    const webhookIds =
      'allOfTeam' in targets
        ? (await store.webhooks.ofScope(targets.allOfTeam)).map((w) => w.id)
        : await store.webhooks.inScope(targets.webhookIds, event.teamId);
    await store.webhooks.enqueue(row.id, webhookIds, deliveryBody(row));
    return row;
  }

  /**
   * An anomaly incident opened (the detector's hook): every enabled anomaly rule of its team or
   * of the platform on its metric whose score it reaches fires, once per incident. `claim` runs
   * first in the same transaction: false (another run alerted it) writes nothing.
   */
  anomalyOpened(
    incident: {
      anomalyId: string;
      teamId: string | null;
      metric: string;
      score: number;
      observed: number;
      message: string;
    },
    claim?: AnomalyClaim,
  ): Promise<AlertEventRow[]> {
    return this.transaction(async (store, manager) => {
      if (claim && !(await claim(manager))) return [];
      const rules = await store.rules.anomalyRulesFor(incident.teamId, incident.metric);
      // told twice about one incident, a rule still fires once for it
      const fired = new Set((await store.events.firingRulesOfAnomaly(incident.anomalyId)).map((f) => f.rule_id));
      const events: AlertEventRow[] = [];
      const matching = rules.filter(
        (r) => !fired.has(r.id) && Math.abs(incident.score) >= (r.anomaly_score ?? Infinity),
      );
      for (const rule of matching) {
        events.push(
          await this.raise(
            store,
            {
              teamId: rule.team_id,
              ruleId: rule.id,
              anomalyId: incident.anomalyId,
              state: 'FIRING',
              severity: rule.severity,
              value: incident.observed,
              message: `${rule.name}: ${incident.message}`,
            },
            { webhookIds: rule.webhook_ids },
          ),
        );
      }
      return events;
    });
  }

  /** The incident resolved: each rule it fired gets its RESOLVED event (`claim` as for the opening). */
  anomalyResolved(
    incident: { anomalyId: string; observed: number; message: string },
    claim?: AnomalyClaim,
  ): Promise<AlertEventRow[]> {
    return this.transaction(async (store, manager) => {
      if (claim && !(await claim(manager))) return [];
      const fired = await store.events.firingRulesOfAnomaly(incident.anomalyId);
      const rules = new Map((await store.rules.byIds(fired.map((f) => f.rule_id))).map((r) => [r.id, r]));
      const events: AlertEventRow[] = [];
      for (const f of fired) {
        events.push(
          await this.raise(
            store,
            {
              teamId: f.team_id,
              ruleId: f.rule_id,
              anomalyId: incident.anomalyId,
              state: 'RESOLVED',
              severity: f.severity,
              value: incident.observed,
              message: incident.message,
            },
            { webhookIds: rules.get(f.rule_id)?.webhook_ids ?? [] },
          ),
        );
      }
      return events;
    });
  }
}
