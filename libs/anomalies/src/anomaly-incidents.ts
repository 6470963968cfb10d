import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { AnomalyRow } from './anomaly.store';

/** An incident opened or resolved, as stored (its id is the Anomaly's id in GraphQL). */
export interface AnomalyIncidentEvent {
  kind: 'opened' | 'resolved';
  anomaly: AnomalyRow;
}

/**
 * The port other modules subscribe to (alert rules turn an incident into an AlertEvent): every
 * incident the detector opened or resolved, once, after it is stored. "Once" holds across
 * replicas too: an event is published only by the run whose write changed the row. In-process
 * and not durable: a subscriber that must not miss one across a restart reads the store
 * (`anomalies(status: "OPEN")`) when it starts.
 */
@Injectable()
export class AnomalyIncidents {
  private readonly subject = new Subject<AnomalyIncidentEvent>();

  /** Hot stream of stored incidents opening and resolving. */
  get events$(): Observable<AnomalyIncidentEvent> {
    return this.subject.asObservable();
  }

  publish(event: AnomalyIncidentEvent): void {
    this.subject.next(event);
  }
}
