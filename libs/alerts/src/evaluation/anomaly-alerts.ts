import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { AnomalyIncidentEvent, AnomalyIncidents, AnomalyRow } from '@app/anomalies';
import { logger } from '@app/observability';
import { AlertRaiser } from '../alert-raiser';

/** What an alert says about an incident, e.g. "ERROR_RATE spike on TEAM 5f…: observed 0.5, expected 0.05 (score 12.4)". */
export function describeIncident(a: AnomalyRow): string {
  const where = a.dimension === null ? 'the platform' : `${a.dimension} ${a.series_key}`;
  const round = (n: number) => Number(n.toPrecision(4));
  return (
    `${a.metric} ${a.direction.toLowerCase()} on ${where}: observed ${round(a.observed)}, ` +
    `expected ${round(a.expected)} (score ${round(a.score)})`
  );
}

/**
 * Turns the detector's incidents (the AnomalyIncidents port) into alert events: an incident
 * opening fires each matching anomaly rule, its resolution resolves them (AlertRaiser). Incidents
 * are handled one after another, in the order they were stored, so an incident's resolution
 * never overtakes its opening. The port is in-process and not durable: an incident published
 * while this process was down raises nothing here (see README, "Anomaly detection").
 */
@Injectable()
export class AnomalyAlerts implements OnModuleInit, OnModuleDestroy {
  private subscription?: Subscription;
  /** the incidents being raised, in order; awaited on shutdown so none is cut off mid-transaction */
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly incidents: AnomalyIncidents,
    private readonly raiser: AlertRaiser,
  ) {}

  onModuleInit(): void {
    this.subscription = this.incidents.events$.subscribe((event) => {
      this.pending = this.pending.then(() => this.raise(event));
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.pending;
  }

  private async raise({ kind, anomaly }: AnomalyIncidentEvent): Promise<void> {
    const message = describeIncident(anomaly);
    try {
      if (kind === 'opened') {
        await this.raiser.anomalyOpened({
          anomalyId: anomaly.id,
          teamId: anomaly.team_id,
          metric: anomaly.metric,
          score: anomaly.score,
          observed: anomaly.observed,
          message,
        });
      } else {
        await this.raiser.anomalyResolved({
          anomalyId: anomaly.id,
          observed: anomaly.observed,
          message: `resolved: ${message}`,
        });
      }
    } catch (error) {
      logger.warn('raising alerts for an anomaly incident failed', {
        anomalyId: anomaly.id,
        kind,
        error: String(error),
      });
    }
  }
}
