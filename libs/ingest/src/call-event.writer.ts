import type { ClickHouseSettings } from '@clickhouse/client';
import { ClickHouseGateway, EncodedRows, encodeJsonCompactEachRow } from '@app/clickhouse';
import { CALL_EVENT_COLUMNS, CallEventRow, toColumnValues } from './call-event-row';

/**
 * Ids per lookup query. The embedded engine binds an array parameter of 20,000 ids in 70 ms
 * and one of 25,000 in 40 s (measured: a cliff, not a slope); a server takes parameters in
 * the URL, which it limits to 1 MiB by default.
 */
const DEDUP_LOOKUP_IDS = 10_000;

/**
 * Writes priced events to call_events exactly once in effect, in two steps the consumer
 * retries separately:
 * 1. `dropKnown`: ids already recorded in event_ids by another message (filled by a
 *    materialized view of call_events in the same insert, kept 8 days) and repeats within the
 *    batch are dropped. This catches redeliveries after a crash or rebalance.
 * 2. `insert`: the remaining rows carry a deduplication token derived from the Kafka offsets
 *    they cover, deduplicated in the dependent materialized views too, so retrying the same
 *    rows after an ambiguous failure counts them once in the raw table and every rollup.
 * An insert is not atomic across the raw table and its views: a crash can leave the raw rows
 * (and some views) written and other views not. The retry heals that only if it carries the
 * same rows with the same token, so each chunk's offset range is recorded before its write
 * (`recordChunk`), a restarted worker cuts its chunks where they were (`recordedChunks`), and
 * in such a retry an id recorded by the very message being retried does not count as known.
 */
export class CallEventWriter {
  constructor(
    private readonly clickhouse: ClickHouseGateway,
    private readonly faults: WriteFaultInjector = WriteFaultInjector.off(),
    /** off only to measure what the lookup costs (bench); redeliveries are then counted again */
    private readonly dedupByEventId = true,
  ) {}

  /**
   * `retry`: the rows repeat a recorded chunk, so an id recorded by the row's own message is its earlier write,
   * not a duplicate.
   */
  async dropKnown(rows: CallEventRow[], { retry = false }: { retry?: boolean } = {}): Promise<CallEventRow[]> {
    if (rows.length === 0 || !this.dedupByEventId) return rows;
    this.faults.check();
    const ids = [...new Set(rows.map((r) => r.event_id))];
    const recordedBy = new Map<string, string[]>();
    for (let start = 0; start < ids.length; start += DEDUP_LOOKUP_IDS) {
      const known = await this.clickhouse.query<{ event_id: string; message: string }>(
        `SELECT DISTINCT event_id, concat(toString(kafka_partition), ':', toString(kafka_offset)) AS message FROM
          event_ids WHERE event_id IN {ids:Array(String)}`,
        { params: { ids: ids.slice(start, start + DEDUP_LOOKUP_IDS) } },
      );
      for (const { event_id, message } of known)
        recordedBy.set(event_id, [...(recordedBy.get(event_id) ?? []), message]);
    }
    const seen = new Set<string>();
    const fresh: CallEventRow[] = [];
    for (const row of rows) {
      if (seen.has(row.event_id)) continue;
      seen.add(row.event_id);
      const message = `${row.kafka_partition}:${row.kafka_offset}`;
      if (recordedBy.get(row.event_id)?.some((m) => !retry || m !== message)) continue;
      fresh.push(row);
    }
    return fresh;
  }

  /** Records the offset range of a chunk before it is written (see the class comment). */
  async recordChunk(topic: string, partition: number, firstOffset: string, lastOffset: string): Promise<void> {
    this.faults.check();
    await this.clickhouse.insertColumns(
      'ingest_chunks',
      ['topic', 'partition', 'first_offset', 'last_offset'],
      [[topic, partition, firstOffset, lastOffset]],
    );
  }

  /** Recorded chunks of a partition from an offset on: first offset -> last offset, as first recorded. */
  async recordedChunks(topic: string, partition: number, fromOffset: string): Promise<Map<string, string>> {
    this.faults.check();
    // aliases differ from column names: ClickHouse resolves WHERE identifiers to SELECT aliases first
    const rows = await this.clickhouse.query<{ first_text: string; last_text: string }>(
      `SELECT toString(first_offset) AS first_text, toString(argMin(last_offset, recorded_at)) AS last_text
       FROM ingest_chunks
       WHERE topic = {topic:String} AND partition = {partition:UInt32} AND first_offset >= {from:Int64}
       GROUP BY first_offset`,
      { params: { topic, partition, from: fromOffset } },
    );
    return new Map(rows.map((r) => [r.first_text, r.last_text]));
  }

  async insert(rows: CallEventRow[], dedupToken: string): Promise<void> {
    if (rows.length === 0) return;
    this.faults.check();
    await this.clickhouse.insertEncoded('call_events', encodeCallEventRows(rows), callEventInsertSettings(dedupToken));
  }
}

/** The rows as the insert sends them (the bench encodes its engine-ceiling rows with it too). */
export function encodeCallEventRows(rows: CallEventRow[]): EncodedRows {
  return encodeJsonCompactEachRow(CALL_EVENT_COLUMNS, rows.map(toColumnValues));
}

/** The settings of every call_events insert: a retry with the same token counts once, in raw and every view. */
export function callEventInsertSettings(dedupToken: string): ClickHouseSettings {
  return {
    insert_deduplicate: 1,
    insert_deduplication_token: dedupToken,
    deduplicate_blocks_in_dependent_materialized_views: 1,
    // the views of raw run side by side instead of one after another: with 10 of them the insert
    // is mostly theirs (measured on 2 cores: 13-34% more events/s; bench/BASELINE.md)
    parallel_view_processing: 1,
    // minute rollups are partitioned by day: a chunk of valid events over more than 100 days
    // (a backfill) would otherwise be refused whole, on every retry, and stall its partition
    throw_on_max_partitions_per_insert_block: 0,
  };
}

export class InjectedWriteFault extends Error {
  override name = 'InjectedWriteFault';
}

/**
 * Makes ClickHouse writes fail for a while after the first attempt (INGEST_FAULT_WRITE_FAILURE_MS),
 * for fault tests of the retry path. Off by default.
 */
export class WriteFaultInjector {
  private firstAttemptAt?: number;

  constructor(private readonly failForMs: number) {}

  static off(): WriteFaultInjector {
    return new WriteFaultInjector(0);
  }

  check(now = Date.now()): void {
    if (this.failForMs <= 0) return;
    this.firstAttemptAt ??= now;
    if (now - this.firstAttemptAt < this.failForMs) {
      throw new InjectedWriteFault(`injected ClickHouse write failure (${this.failForMs} ms window)`);
    }
  }
}
