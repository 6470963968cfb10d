import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Observable, Subject } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';
import type { AnomalyRow } from './anomaly.store';

/** An incident opened or resolved, as stored (its id is the Anomaly's id in GraphQL). */
export interface AnomalyIncidentEvent {
  kind: 'opened' | 'resolved';
  anomaly: AnomalyRow;
}

/** How many unalerted incidents one catch-up reads (the oldest first; the next pass reads on). */
const CATCH_UP_BATCH = 500;

/**
 * The port other modules subscribe to (alert rules turn an incident into an AlertEvent): every
 * incident the detector opened or resolved, once, after it is stored. "Once" holds across
 * replicas too: an event is published only by the run whose write changed the row. The stream is
 * in-process and not durable; what makes the alerts durable is the store: a subscriber claims
 * each transition in the transaction that writes its alerts (claimAlerting), and reads the
 * transitions nobody claimed (toAlert) after a crash, a failed write or a restart.
 */
@Injectable()
export class AnomalyIncidents {
  private readonly subject = new Subject<AnomalyIncidentEvent>();

  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  /** Hot stream of stored incidents opening and resolving. */
  get events$(): Observable<AnomalyIncidentEvent> {
    return this.subject.asObservable();
  }

  publish(event: AnomalyIncidentEvent): void {
    this.subject.next(event);
  }

  /**
   * Marks the transition as alerted, in the caller's transaction: true for the one transaction
   * that marks it (the row lock makes a concurrent one wait, then find it marked). A resolution is
   * claimed only once its opening was: its alerts resolve what the opening fired.
   */
  async claimAlerting(manager: EntityManager, anomalyId: string, kind: AnomalyIncidentEvent['kind']) {
    const [rows] = await manager.query<[unknown[], number]>(
      kind === 'opened'
        ? `UPDATE anomaly_incidents SET opening_alerted_at = now()
           WHERE id = $1 AND opening_alerted_at IS NULL RETURNING id`
        : `UPDATE anomaly_incidents SET resolution_alerted_at = now()
           WHERE id = $1 AND status = 'RESOLVED' AND opening_alerted_at IS NOT NULL
             AND resolution_alerted_at IS NULL RETURNING id`,
      [anomalyId],
    );
    return rows.length === 1;
  }

  /** Transitions stored but not alerted, oldest first: each incident's opening before its resolution. */
  async toAlert(): Promise<AnomalyIncidentEvent[]> {
    const rows = await this.postgres.query<AnomalyRow[]>(
      `SELECT * FROM anomaly_incidents
       WHERE opening_alerted_at IS NULL OR (status = 'RESOLVED' AND resolution_alerted_at IS NULL)
       ORDER BY started_at, id LIMIT ${CATCH_UP_BATCH}`,
    );
    return rows.flatMap((anomaly): AnomalyIncidentEvent[] => [
      ...(anomaly.opening_alerted_at === null ? [{ kind: 'opened' as const, anomaly }] : []),
      ...(anomaly.status === 'RESOLVED' ? [{ kind: 'resolved' as const, anomaly }] : []),
    ]);
  }
}
