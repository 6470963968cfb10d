import { Registry } from 'prom-client';
import { IngestMetrics } from './ingest.metrics';

describe('per-partition lag and stall gauges', () => {
  let now = 1_000_000;
  const registry = new Registry();
  const metrics = new IngestMetrics(registry, () => now);

  async function gauge(name: string, partition: number): Promise<number | undefined> {
    const metric = await registry.getSingleMetric(name)!.get();
    return metric.values.find((v) => v.labels.partition === String(partition))?.value;
  }

  it('shows lag from the fetch and stalled seconds growing until the partition commits', async () => {
    metrics.observeFetch(0, '150', '100');
    expect(await gauge('ingest_partition_lag', 0)).toBe(50);
    expect(await gauge('ingest_partition_stalled_seconds', 0)).toBe(0);
    now += 7_500;
    // the same batch fetched again (a retry or a restart) does not reset the stall
    metrics.observeFetch(0, '160', '100');
    now += 2_500;
    expect(await gauge('ingest_partition_lag', 0)).toBe(60);
    expect(await gauge('ingest_partition_stalled_seconds', 0)).toBe(10);
    metrics.observeProgress(0, '160', '130');
    expect(await gauge('ingest_partition_lag', 0)).toBe(30);
    expect(await gauge('ingest_partition_stalled_seconds', 0)).toBe(0);
    now += 4_000;
    expect(await gauge('ingest_partition_stalled_seconds', 0)).toBe(4);
    metrics.observeProgress(0, '160', '160');
    now += 60_000;
    expect(await gauge('ingest_partition_lag', 0)).toBe(0);
    expect(await gauge('ingest_partition_stalled_seconds', 0)).toBe(0);
  });

  it('counts a stall from when lag appears on an idle partition, and forgets partitions moved away', async () => {
    metrics.observeFetch(1, '10', '10');
    now += 30_000;
    metrics.observeFetch(1, '12', '10');
    now += 1_000;
    expect(await gauge('ingest_partition_stalled_seconds', 1)).toBe(1);
    metrics.keepPartitions([0]);
    expect(await gauge('ingest_partition_lag', 1)).toBeUndefined();
    expect(await gauge('ingest_partition_stalled_seconds', 1)).toBeUndefined();
    expect(await gauge('ingest_partition_lag', 0)).toBe(0);
  });
});
