import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { EntityManager } from 'typeorm';
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

/** How often stored incident transitions nobody alerted are raised (a failed write, a crash, a restart). */
export const ANOMALY_CATCH_UP_MS = 60_000;

/**
 * Turns the detector's incidents (the AnomalyIncidents port) into alert events: an incident
 * opening fires each matching anomaly rule, its resolution resolves them (AlertRaiser). Incidents
 * are handled one after another, in the order they were stored, so an incident's resolution
 * never overtakes its opening. Exactly once and durable: each transition is claimed in the
 * transaction that writes its alerts, and at start and every minute the transitions stored but
 * not claimed (published while this process was down, or whose write failed) are raised.
 */
@Injectable()
export class AnomalyAlerts implements OnModuleInit, OnModuleDestroy {
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
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
    void this.catchUp();
    this.timer = setInterval(() => void this.catchUp(), ANOMALY_CATCH_UP_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    clearInterval(this.timer);
    await this.pending;
  }

  /** Raises the stored transitions nobody alerted, after those already queued; answers how many it read. */
  catchUp(): Promise<number> {
    const read = this.pending.then(async () => {
      try {
        return await this.incidents.toAlert();
      } catch (error) {
        logger.warn('reading anomaly incidents to alert failed', { error: String(error) });
        return [];
      }
    });
    this.pending = read.then(async (events) => {
      for (const event of events) await this.raise(event);
    });
    return this.pending.then(async () => (await read).length);
  }

  private async raise({ kind, anomaly }: AnomalyIncidentEvent): Promise<void> {
    const message = describeIncident(anomaly);
    const claim = (manager: EntityManager) => this.incidents.claimAlerting(manager, anomaly.id, kind);
    try {
      if (kind === 'opened') {
        await this.raiser.anomalyOpened(
          {
            anomalyId: anomaly.id,
            teamId: anomaly.team_id,
            metric: anomaly.metric,
            score: anomaly.score,
            observed: anomaly.observed,
            message,
          },
          claim,
        );
      } else {
        await this.raiser.anomalyResolved(
          { anomalyId: anomaly.id, observed: anomaly.observed, message: `resolved: ${message}` },
          claim,
        );
      }
    } catch (error) {
      // left unclaimed: the next catch-up raises it again
      logger.warn('raising alerts for an anomaly incident failed', {
        anomalyId: anomaly.id,
        kind,
        error: String(error),
      });
    }
  }
}
