import { RETRY_MAX_MS, retryWhileOwned } from './batch-steps';

describe('retryWhileOwned', () => {
  const owner = (running: () => boolean) => ({
    isRunning: running,
    isStale: () => false,
    heartbeat: jest.fn(async () => undefined),
  });

  it('retries with capped exponential backoff until the step succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryWhileOwned(
      async () => {
        if (++calls < 8) throw new Error(`fail ${calls}`);
        return 'done';
      },
      owner(() => true),
      () => undefined,
      async (ms) => void waits.push(ms),
    );
    expect(result).toBe('done');
    expect(waits).toEqual([200, 400, 800, 1600, 3200, RETRY_MAX_MS, RETRY_MAX_MS]);
  });

  it("gives the batch up, with the error, once it is no longer this consumer's", async () => {
    let running = true;
    const failures: number[] = [];
    const attempt = retryWhileOwned(
      async () => {
        throw new Error('ClickHouse down');
      },
      owner(() => running),
      (n) => {
        failures.push(n);
        if (n === 2) running = false;
      },
      async () => undefined,
    );
    await expect(attempt).rejects.toThrow('ClickHouse down');
    expect(failures).toEqual([0, 1, 2]);
  });
});
