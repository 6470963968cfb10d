import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RejectedMessage } from '@app/kafka';

export class IngestMetrics {
  readonly eventsIn: Counter;
  readonly eventsWritten: Counter;
  readonly duplicates: Counter;
  readonly dlq: Counter;
  readonly stepFailures: Counter;
  readonly consumerLag: Gauge;
  readonly batchSize: Histogram;
  readonly writeSeconds: Histogram;
  readonly partitionLag: Gauge;
  readonly partitionStalledSeconds: Gauge;
  readonly consumerCrashes: Counter;
  readonly stageSeconds: Counter;
  /** per assigned partition: messages behind, and when it last moved forward */
  private readonly progress = new Map<number, { lag: number; lastProgressAt: number }>();

  constructor(
    registry: Registry,
    private readonly clock: () => number = Date.now,
  ) {
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
    // set when a batch is fetched, not only after a chunk is written: a partition that cannot
    // write shows its lag too
    this.partitionLag = new Gauge({
      name: 'ingest_partition_lag',
      help: 'Messages between the next offset to process and the high watermark, per assigned partition',
      labelNames: ['partition'],
      registers,
    });
    this.partitionStalledSeconds = new Gauge({
      name: 'ingest_partition_stalled_seconds',
      help: 'Seconds since the partition last committed progress while it has lag (0 without lag)',
      labelNames: ['partition'],
      registers,
      collect: () => this.refreshStalled(),
    });
    this.consumerCrashes = new Counter({
      name: 'ingest_consumer_crashes_total',
      help: 'Times the ingest consumer crashed and was restarted (by kafkajs or by the worker)',
      registers,
    });
    this.stageSeconds = new Counter({
      name: 'ingest_stage_seconds_total',
      help: 'Wall time spent per step of the worker (partitions overlap, so the stages can sum past the wall clock)',
      labelNames: ['stage'],
      registers,
    });
  }

  /** Runs `step` and adds its wall time to the stage's total, whether it succeeds or throws. */
  async timeStage<T>(stage: string, step: () => Promise<T> | T): Promise<T> {
    const started = process.hrtime.bigint();
    try {
      return await step();
    } finally {
      this.stageSeconds.inc({ stage }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** A batch was fetched: `nextOffset` is the first offset not yet committed. */
  observeFetch(partition: number, highWatermark: string, nextOffset: string): void {
    const lag = lagOf(highWatermark, nextOffset);
    const state = this.progress.get(partition);
    // a stall is counted from the moment lag appears on a partition that had none
    const lastProgressAt = state && state.lag > 0 ? state.lastProgressAt : this.clock();
    this.progress.set(partition, { lag, lastProgressAt });
    this.partitionLag.set({ partition: String(partition) }, lag);
  }

  /** Offsets up to `nextOffset` (exclusive) were written and committed. */
  observeProgress(partition: number, highWatermark: string, nextOffset: string): void {
    const lag = lagOf(highWatermark, nextOffset);
    this.progress.set(partition, { lag, lastProgressAt: this.clock() });
    this.partitionLag.set({ partition: String(partition) }, lag);
  }

  /** After a rebalance: partitions this worker no longer owns stop being reported. */
  keepPartitions(assigned: readonly number[]): void {
    for (const partition of [...this.progress.keys()]) {
      if (assigned.includes(partition)) continue;
      this.progress.delete(partition);
      this.partitionLag.remove({ partition: String(partition) });
      this.partitionStalledSeconds.remove({ partition: String(partition) });
    }
  }

  private refreshStalled(): void {
    const now = this.clock();
    for (const [partition, { lag, lastProgressAt }] of this.progress) {
      const seconds = lag > 0 ? Math.max(0, now - lastProgressAt) / 1000 : 0;
      this.partitionStalledSeconds.set({ partition: String(partition) }, seconds);
    }
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

function lagOf(highWatermark: string, nextOffset: string): number {
  const lag = BigInt(highWatermark) - BigInt(nextOffset);
  return lag > 0n ? Number(lag) : 0;
}
