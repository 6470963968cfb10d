import { waitForSchemas } from './schema-wait';

describe('waitForSchemas', () => {
  const fakeClock = () => {
    let now = 0;
    return { clock: () => now, sleep: async (ms: number) => void (now += ms) };
  };

  it('returns once every source has applied its migrations, polling meanwhile', async () => {
    const clickhouse = [['0070_a.sql', '0071_b.sql'], ['0071_b.sql'], []];
    let postgresReads = 0;
    await waitForSchemas(
      [
        { name: 'clickhouse', pending: async () => clickhouse.shift() ?? [] },
        {
          name: 'postgres',
          pending: async () => {
            // unreachable at first: counted as not ready, not as a failure
            if (++postgresReads === 1) throw new Error('connection refused');
            return [];
          },
        },
      ],
      { timeoutMs: 60_000, pollMs: 1_000, ...fakeClock() },
    );
    expect(clickhouse).toEqual([]);
    expect(postgresReads).toBe(3);
  });

  it('fails after the timeout, naming what is still missing', async () => {
    const waiting = waitForSchemas(
      [
        { name: 'clickhouse', pending: async () => [] },
        { name: 'postgres', pending: async () => ['AccessTokenLifetime1000000000003'] },
      ],
      { timeoutMs: 5_000, pollMs: 1_000, ...fakeClock() },
    );
    await expect(waiting).rejects.toThrow(
      /postgres: 1 pending, first AccessTokenLifetime1000000000003.*cli -- migrate/,
    );
  });
});
