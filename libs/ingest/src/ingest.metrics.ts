import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RejectedMessage } from './rejected-message';

export class IngestMetrics {
  readonly eventsIn: Counter;
  readonly eventsWritten: Counter;
  readonly duplicates: Counter;
  readonly dlq: Counter;
  readonly stepFailures: Counter;
  readonly consumerLag: Gauge;
  readonly batchSize: Histogram;
  readonly writeSeconds: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.eventsIn = new Counter({
      name: 'ingest_events_in_total',
      help: 'Messages read from calls.v1',
      labelNames: ['partition'],
      registers,
    });
    this.eventsWritten = new Counter({
      name: 'ingest_events_written_total',
      help: 'Events inserted into call_events',
      registers,
    });
    this.duplicates = new Counter({
      name: 'ingest_dedup_hits_total',
      help: 'Events dropped as already counted (event_id seen)',
      registers,
    });
    this.dlq = new Counter({
      name: 'ingest_dlq_total',
      help: 'Messages sent to the DLQ, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.stepFailures = new Counter({
      name: 'ingest_step_failures_total',
      help: 'Failed DLQ, dedup or insert attempts (all retried)',
      labelNames: ['stage'],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'ingest_consumer_lag',
      help: 'Messages behind the high watermark, per partition',
      labelNames: ['partition'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'ingest_batch_size',
      help: 'Messages per written chunk',
      buckets: [1, 10, 100, 500, 1000, 5000, 10000, 50000],
      registers,
    });
    this.writeSeconds = new Histogram({
      name: 'ingest_write_seconds',
      help: 'DLQ + dedup + insert time per chunk',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }

  observeChunk(c: {
    partition: number;
    read: number;
    written: number;
    duplicates: number;
    rejected: RejectedMessage[];
    seconds: number;
    lag: number;
  }): void {
    const partition = String(c.partition);
    this.eventsIn.inc({ partition }, c.read);
    this.eventsWritten.inc(c.written);
    this.duplicates.inc(c.duplicates);
    for (const r of c.rejected) this.dlq.inc({ reason: r.reason.split(':')[0] });
    this.batchSize.observe(c.read);
    this.writeSeconds.observe(c.seconds);
    this.consumerLag.set({ partition }, Math.max(0, c.lag));
  }
}
