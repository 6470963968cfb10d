import { loadConfig } from '@app/config';
import { RateLimitedError } from '@app/errors';
import type { Principal } from '../principal';
import { RateLimits, SQL_MAX_CONCURRENT } from './rate-limits.service';

const person = (i: number) => ({ kind: 'user', userId: `u${i}`, platformRoles: ['SRE'] }) as unknown as Principal;

/** A request whose response records the Retry-After the refusal sets. */
function request() {
  const headers: Record<string, string> = {};
  return {
    headers,
    req: { ip: '127.0.0.1', res: { headersSent: false, setHeader: (n: string, v: string) => (headers[n] = v) } },
  };
}

function refusal(run: () => unknown): { error: unknown } {
  try {
    run();
  } catch (error) {
    return { error };
  }
  throw new Error('not refused');
}

describe('RateLimits: ad hoc SQL slots', () => {
  it(`on a ClickHouse server: ${SQL_MAX_CONCURRENT} runs at once, one per person, a refusal gives no slot away`, () => {
    const limits = new RateLimits(loadConfig({ CLICKHOUSE_URL: 'http://127.0.0.1:8123' }));
    const releases = [0, 1, 2, 3].map((i) => limits.acquireSqlSlot(request().req, person(i)));
    const fifth = request();
    const { error } = refusal(() => limits.acquireSqlSlot(fifth.req, person(4)));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as Error).message).toMatch(/at most 4 SQL queries/);
    expect(fifth.headers['Retry-After']).toBe('2');
    // the refused fifth person holds no slot of their own: they run as soon as the process has room
    expect(limits.sqlRunsPerUser.inUse('user:u4')).toBe(0);
    const again = request();
    expect(refusal(() => limits.acquireSqlSlot(again.req, person(0))).error).toBeInstanceOf(RateLimitedError);
    expect(again.headers['Retry-After']).toBe('2');
    releases[2]();
    releases[2](); // idempotent: one release frees one slot
    const fifthRuns = limits.acquireSqlSlot(request().req, person(4));
    expect(refusal(() => limits.acquireSqlSlot(request().req, person(5))).error).toBeInstanceOf(RateLimitedError);
    for (const release of [...releases, fifthRuns]) release();
    expect(limits.sqlRuns.inUse('process')).toBe(0);
  });

  it('on the embedded engine: one run at a time in the process', () => {
    const limits = new RateLimits(loadConfig({ CLICKHOUSE_PATH: '/tmp/unused' }));
    const release = limits.acquireSqlSlot(request().req, person(0));
    const second = refusal(() => limits.acquireSqlSlot(request().req, person(1))).error as Error;
    expect(second).toBeInstanceOf(RateLimitedError);
    expect(second.message).toMatch(/at most 1 SQL/);
    release();
    limits.acquireSqlSlot(request().req, person(1))();
  });
});
