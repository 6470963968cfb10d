import { logger } from '@app/observability';

/** A store whose schema a process needs: what it has not applied of this build's migrations. */
export interface SchemaSource {
  name: string;
  pending(): Promise<string[]>;
}

export interface SchemaWaitOptions {
  timeoutMs: number;
  pollMs?: number;
  /** progress is logged when it changes, and at least this often */
  logEveryMs?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits until every source has applied the migrations this build was made with. The api and
 * worker replicas run this instead of migrating: one migrating process (`cli migrate`, or the
 * standalone app) at a time is what the migrations assume. A source that cannot be read yet
 * counts as not ready; past the timeout the start fails, naming what is missing.
 */
export async function waitForSchemas(sources: SchemaSource[], options: SchemaWaitOptions): Promise<void> {
  const { timeoutMs, pollMs = 1_000, logEveryMs = 10_000, clock = Date.now, sleep: wait = sleep } = options;
  const started = clock();
  let lastReport = '';
  let lastLoggedAt = -Infinity;
  for (;;) {
    const state: Record<string, string> = {};
    for (const source of sources) {
      try {
        const pending = await source.pending();
        if (pending.length) state[source.name] = `${pending.length} pending, first ${pending[0]}`;
      } catch (error) {
        state[source.name] = `not readable: ${(error as Error).message ?? String(error)}`;
      }
    }
    const report = JSON.stringify(state);
    if (Object.keys(state).length === 0) {
      if (lastReport) logger.info('schema migrations applied; starting', { waitedMs: clock() - started });
      return;
    }
    const elapsed = clock() - started;
    if (elapsed >= timeoutMs) {
      throw new Error(
        `schema not migrated after ${Math.round(elapsed / 1000)} s (${Object.entries(state)
          .map(([name, what]) => `${name}: ${what}`)
          .join('; ')}); run \`npm run cli -- migrate\``,
      );
    }
    if (report !== lastReport || clock() - lastLoggedAt >= logEveryMs) {
      logger.info('waiting for schema migrations (applied by `cli migrate` or the standalone app)', {
        ...state,
        waitedMs: elapsed,
        timeoutMs,
      });
      lastReport = report;
      lastLoggedAt = clock();
    }
    await wait(pollMs);
  }
}
