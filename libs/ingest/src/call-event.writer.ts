import { ClickHouseGateway } from '@app/clickhouse';
import type { CallEventRow } from './call-event-row';

export interface WriteResult {
  inserted: number;
  duplicates: number;
}

/**
 * Writes priced events to call_events exactly once in effect:
 * 1. ids already recorded in event_ids (filled by a materialized view of call_events, kept
 *    8 days) and repeats within the batch are dropped;
 * 2. the insert carries a deduplication token derived from the Kafka offsets it covers, with
 *    deduplication in the dependent materialized views, so a retried insert of the same batch
 *    is discarded by ClickHouse in the raw table and every rollup alike.
 */
export class CallEventWriter {
  constructor(private readonly clickhouse: ClickHouseGateway) {}

  async write(rows: CallEventRow[], dedupToken: string): Promise<WriteResult> {
    const fresh = await this.dropKnown(rows);
    await this.clickhouse.insert('call_events', fresh, {
      insert_deduplicate: 1,
      insert_deduplication_token: dedupToken,
      deduplicate_blocks_in_dependent_materialized_views: 1,
    });
    return { inserted: fresh.length, duplicates: rows.length - fresh.length };
  }

  private async dropKnown(rows: CallEventRow[]): Promise<CallEventRow[]> {
    if (rows.length === 0) return rows;
    const ids = [...new Set(rows.map((r) => r.event_id))];
    const known = await this.clickhouse.query<{ event_id: string }>(
      'SELECT DISTINCT event_id FROM event_ids WHERE event_id IN {ids:Array(String)}',
      { params: { ids } },
    );
    const seen = new Set(known.map((k) => k.event_id));
    const fresh: CallEventRow[] = [];
    for (const row of rows) {
      if (seen.has(row.event_id)) continue;
      seen.add(row.event_id);
      fresh.push(row);
    }
    return fresh;
  }
}
