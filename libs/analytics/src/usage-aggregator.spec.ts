import type { ClickHouseGateway } from '@app/clickhouse';
import { Granularity, UsageDimension } from '@app/catalog';
import { UsageAggregator } from './usage-aggregator';

/** A gateway that answers every query with the given rows and keeps the SQL it was sent. */
function gatewayAnswering(rows: unknown[]): { gateway: ClickHouseGateway; sent: string[] } {
  const sent: string[] = [];
  const gateway = { query: async (sql: string) => (sent.push(sql), rows) } as unknown as ClickHouseGateway;
  return { gateway, sent };
}

const HOUR = 3_600_000;
const request = {
  filter: { range: {} },
  plan: [{ table: 'usage_platform_1h' as const, from: 0, to: 2 * HOUR }],
  timeZone: 'UTC',
  granularity: Granularity.HOUR,
  dimension: UsageDimension.MODEL,
  measures: new Set(['cost'] as const),
};

describe('UsageAggregator reading groups packed as columns', () => {
  it('asks for one array per output and builds one group per position', async () => {
    const { gateway, sent } = gatewayAnswering([
      {
        bucket: ['0', String(HOUR)],
        group_key: ['m1', 'm2'],
        requests: ['3', '5'],
        cost_total: ['0.500000000000000', '2.000000000000000'],
      },
    ]);
    const groups = await new UsageAggregator(gateway).aggregate(request);
    expect(sent[0]).toMatch(
      new RegExp(
        '^SELECT groupArray\\(bucket\\) AS bucket, groupArray\\(group_key\\) AS group_key, ' +
          'groupArray\\(requests\\) AS requests, groupArray\\(cost_total\\) AS cost_total FROM \\(',
      ),
    );
    expect(groups.map((g) => [g.bucket, g.key, g.requests, g.cost, g.inputTokens, g.latency])).toEqual([
      [0, 'm1', 3, '0.5', 0, null],
      [HOUR, 'm2', 5, '2', 0, null],
    ]);
  });

  it('answers no groups for empty columns', async () => {
    const { gateway } = gatewayAnswering([{ bucket: [], group_key: [], requests: [], cost_total: [] }]);
    expect(await new UsageAggregator(gateway).aggregate(request)).toEqual([]);
  });

  it('refuses columns of different lengths instead of pairing values of different groups', async () => {
    const { gateway } = gatewayAnswering([
      { bucket: ['0', String(HOUR)], group_key: ['m1', 'm2'], requests: ['3', '5'], cost_total: ['0.5'] },
    ]);
    await expect(new UsageAggregator(gateway).aggregate(request)).rejects.toThrow('columns of different lengths');
  });
});
