import { ClickHouseGateway } from '@app/clickhouse';
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
 * 1. `dropKnown`: ids already recorded in event_ids (filled by a materialized view of
 *    call_events in the same insert, kept 8 days) and repeats within the batch are dropped.
 *    This catches redeliveries after a crash or rebalance, whatever the batch boundaries.
 * 2. `insert`: the remaining rows carry a deduplication token derived from the Kafka offsets
 *    they cover, deduplicated in the dependent materialized views too, so retrying the same
 *    rows after an ambiguous failure counts them once in the raw table and every rollup.
 */
export class CallEventWriter {
  constructor(
    private readonly clickhouse: ClickHouseGateway,
    private readonly faults: WriteFaultInjector = WriteFaultInjector.off(),
    /** off only to measure what the lookup costs (bench); redeliveries are then counted again */
    private readonly dedupByEventId = true,
  ) {}

  async dropKnown(rows: CallEventRow[]): Promise<CallEventRow[]> {
    if (rows.length === 0 || !this.dedupByEventId) return rows;
    this.faults.check();
    const ids = [...new Set(rows.map((r) => r.event_id))];
    const seen = new Set<string>();
    for (let start = 0; start < ids.length; start += DEDUP_LOOKUP_IDS) {
      const known = await this.clickhouse.query<{ event_id: string }>(
        'SELECT DISTINCT event_id FROM event_ids WHERE event_id IN {ids:Array(String)}',
        { params: { ids: ids.slice(start, start + DEDUP_LOOKUP_IDS) } },
      );
      for (const { event_id } of known) seen.add(event_id);
    }
    const fresh: CallEventRow[] = [];
    for (const row of rows) {
      if (seen.has(row.event_id)) continue;
      seen.add(row.event_id);
      fresh.push(row);
    }
    return fresh;
  }

  async insert(rows: CallEventRow[], dedupToken: string): Promise<void> {
    if (rows.length === 0) return;
    this.faults.check();
    await this.clickhouse.insertColumns('call_events', CALL_EVENT_COLUMNS, rows.map(toColumnValues), {
      insert_deduplicate: 1,
      insert_deduplication_token: dedupToken,
      deduplicate_blocks_in_dependent_materialized_views: 1,
    });
  }
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
