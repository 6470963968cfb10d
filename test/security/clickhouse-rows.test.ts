import fc from 'fast-check';
import type { AppConfig } from '@app/config';
import { ClickHouseGateway, ClickHouseMigrator } from '@app/clickhouse';
import { randomUUID } from 'node:crypto';
import { CALL_EVENT_COLUMNS, CallEventRow, CallEventWriter, toColumnValues, toRowOrReason } from '@app/ingest';
import { makeEvent } from '../harness/events';
import { clickHouseRefusal, fuzzDeps, fuzzMessage } from '../harness/fuzz-messages';
import { isolatedConfig } from '../harness/test-env';

/**
 * What the worker writes, ClickHouse takes, on the real engine. One value or one block it refuses
 * fails the whole insert, and the retry of the same chunk fails the same way: the partition stalls.
 */
describe('rows and chunks ClickHouse takes', () => {
  let config: AppConfig;
  let clickhouse: ClickHouseGateway;

  beforeAll(async () => {
    config = isolatedConfig('fuzz_rows');
    clickhouse = await ClickHouseGateway.connect(config.clickhouse);
    await new ClickHouseMigrator(clickhouse).migrate();
    // call_events' columns without its TTL, so rows of any year stay to be read back
    await clickhouse.command(
      'CREATE TABLE fuzz_rows AS call_events ENGINE = MergeTree PARTITION BY tuple() ORDER BY kafka_offset',
    );
  });

  afterAll(async () => {
    await clickhouse?.command(`DROP DATABASE IF EXISTS ${config.clickhouse.database}`).catch(() => undefined);
    await clickhouse?.close();
  });

  // the unit fuzz test checks rows against an oracle of what ClickHouse accepts; this checks the oracle
  it('takes every row made of 20,000 fuzzed messages in one insert and stores each value as sent', async () => {
    const messages = fc.sample(fuzzMessage, { numRuns: 20_000, seed: 20261202 });
    const rows: CallEventRow[] = [];
    messages.forEach(({ value }, i) => {
      const result = toRowOrReason({ value, offset: String(i) }, fuzzDeps);
      if (result.row) rows.push(result.row);
    });
    expect(rows.length).toBeGreaterThan(3_000);
    expect(rows.filter((r) => clickHouseRefusal(r) !== undefined)).toEqual([]);
    process.stdout.write(`inserting ${rows.length} rows made of ${messages.length} fuzzed messages\n`);

    await clickhouse.insertColumns('fuzz_rows', CALL_EVENT_COLUMNS, rows.map(toColumnValues));

    const stored = await clickhouse.query<Record<string, unknown>>(
      `SELECT event_id, toString(occurred_at) AS occurred_at, toString(team_id) AS team_id, service, model, tags,
              error_code, request_id, toString(cost) AS cost, toString(credits) AS credits,
              toString(kafka_offset) AS offset
       FROM fuzz_rows ORDER BY kafka_offset`,
    );
    expect(stored.length).toBe(rows.length);
    // ClickHouse prints decimals without trailing zeros
    const decimal = (text: string) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
    const sent = rows.map((r) => ({
      event_id: r.event_id,
      occurred_at: r.occurred_at,
      team_id: r.team_id.toLowerCase(),
      service: r.service,
      model: r.model,
      tags: r.tags,
      error_code: r.error_code,
      request_id: r.request_id,
      cost: decimal(r.cost),
      credits: decimal(r.credits),
      offset: r.kafka_offset,
    }));
    const back = stored.map((s) => ({ ...s, cost: decimal(String(s.cost)), credits: decimal(String(s.credits)) }));
    expect(back).toEqual(sent);
  });

  it('takes a chunk of valid events spread over 150 days in one insert (partitions per insert block)', async () => {
    // minute rollups are partitioned by day: without a setting, ClickHouse refuses an insert
    // block of more than 100 partitions, so a valid backfill would stall its Kafka partition
    const teamId = randomUUID();
    const now = Date.now();
    const rows = Array.from({ length: 150 }, (_, day) => {
      const event = makeEvent({
        team_id: teamId,
        occurred_at: new Date(now - day * 86_400_000 - 60_000).toISOString(),
      });
      const result = toRowOrReason(
        { value: Buffer.from(JSON.stringify(event)), offset: String(day) },
        { ...fuzzDeps, now, priceAt: () => undefined },
      );
      if (!result.row) throw new Error(result.reason);
      return result.row;
    });
    await new CallEventWriter(clickhouse).insert(rows, `test:0:0-149:${teamId}`);
    const [totals] = await clickhouse.query<{ requests: number; days: number }>(
      'SELECT sum(requests) AS requests, uniqExact(day) AS days FROM usage_team_totals_1d WHERE team_id = {t:UUID}',
      { params: { t: teamId } },
    );
    expect(totals).toEqual({ requests: 150, days: 150 });
  });
});
