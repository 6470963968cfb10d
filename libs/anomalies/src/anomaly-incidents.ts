import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { EntityManager } from 'typeorm';
import { AnomalyRow, AnomalyStore } from './anomaly.store';

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

  constructor(private readonly store: AnomalyStore) {}

  /** Hot stream of stored incidents opening and resolving. */
  get events$(): Observable<AnomalyIncidentEvent> {
    return this.subject.asObservable();
  }

  publish(event: AnomalyIncidentEvent): void {
    this.subject.next(event);
  }

  /** Marks the transition as alerted in the caller's transaction; true for the one transaction that does. */
  claimAlerting(manager: EntityManager, anomalyId: string, kind: AnomalyIncidentEvent['kind']): Promise<boolean> {
    return this.store.markAlerted(manager, anomalyId, kind);
  }

  /** Transitions stored but not alerted, oldest first: each incident's opening before its resolution. */
  async toAlert(): Promise<AnomalyIncidentEvent[]> {
    const rows = await this.store.unalerted(CATCH_UP_BATCH);
    return rows.flatMap((anomaly): AnomalyIncidentEvent[] => [
      ...(anomaly.opening_alerted_at === null ? [{ kind: 'opened' as const, anomaly }] : []),
      ...(anomaly.status === 'RESOLVED' ? [{ kind: 'resolved' as const, anomaly }] : []),
    ]);
  }
}
