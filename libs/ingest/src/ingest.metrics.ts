import { Counter, Histogram, Registry } from 'prom-client';
import type { KafkaMessage } from 'kafkajs';
import type { WriteResult } from './call-event.writer';

export class IngestMetrics {
  readonly eventsIn: Counter;
  readonly eventsWritten: Counter;
  readonly duplicates: Counter;
  readonly dlq: Counter;
  readonly writeFailures: Counter;
  readonly batchSize: Histogram;
  readonly insertSeconds: Histogram;

  constructor(readonly registry: Registry) {
    this.eventsIn = new Counter({ name: 'ingest_events_in_total', help: 'Messages read from calls.v1', labelNames: ['partition'], registers: [registry] });
    this.eventsWritten = new Counter({ name: 'ingest_events_written_total', help: 'Events inserted into call_events', registers: [registry] });
    this.duplicates = new Counter({ name: 'ingest_dedup_hits_total', help: 'Events dropped as already counted', registers: [registry] });
    this.dlq = new Counter({ name: 'ingest_dlq_total', help: 'Messages sent to the DLQ', labelNames: ['reason'], registers: [registry] });
    this.writeFailures = new Counter({ name: 'ingest_step_failures_total', help: 'Failed DLQ or insert attempts (retried)', labelNames: ['stage'], registers: [registry] });
    this.batchSize = new Histogram({ name: 'ingest_batch_size', help: 'Events per written batch', buckets: [1, 10, 100, 500, 1000, 5000, 10000, 50000], registers: [registry] });
    this.insertSeconds = new Histogram({ name: 'ingest_insert_seconds', help: 'ClickHouse insert latency', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] });
  }

  observeBatch(partition: number, size: number, seconds: number, result: WriteResult, rejected: Array<{ message: KafkaMessage; reason: string }>): void {
    this.eventsIn.inc({ partition: String(partition) }, size + rejected.length);
    this.eventsWritten.inc(result.inserted);
    this.duplicates.inc(result.duplicates);
    for (const r of rejected) this.dlq.inc({ reason: r.reason.split(':')[0] });
    this.batchSize.observe(size);
    this.insertSeconds.observe(seconds);
  }
}
