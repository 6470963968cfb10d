import fc from 'fast-check';
import { clickHouseRefusal, fuzzDeps, fuzzMessage } from '../../../test/harness/fuzz-messages';
import { IncomingMessage, toRowOrReason } from './message-to-row';

/**
 * Drives random, mutated and hostile messages through the worker's per-message path: each must
 * end as a row or a DLQ reason, never a throw, and every row must be one ClickHouse accepts
 * (test/security/clickhouse-rows.test.ts inserts such rows into the real engine).
 */
const RUNS = 100_000;

describe('toRowOrReason under fuzzing', () => {
  it(`turns ${RUNS} random and hostile messages into rows ClickHouse accepts or DLQ reasons`, () => {
    const reasons = new Map<string, number>();
    const kinds = new Map<string, number>();
    let rows = 0;
    let validRows = 0;
    let leapRows = 0;
    let offset = 0;
    const started = Date.now();
    fc.assert(
      fc.property(fuzzMessage, ({ kind, value }) => {
        const incoming: IncomingMessage = { value, offset: String(offset++) };
        let result: ReturnType<typeof toRowOrReason>;
        try {
          result = toRowOrReason(incoming, fuzzDeps);
        } catch (error) {
          throw new Error(`toRowOrReason threw on a ${kind} message: ${String(error)}`);
        }
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        if (result.row) {
          const refusal = clickHouseRefusal(result.row);
          if (refusal) throw new Error(`ClickHouse would refuse column ${refusal} of ${JSON.stringify(result.row)}`);
          rows++;
          if (kind === 'valid event') validRows++;
          if (result.row.occurred_at.endsWith(':59.999') && value?.includes(':60')) leapRows++;
          return;
        }
        if (typeof result.reason !== 'string' || result.reason.length === 0)
          throw new Error('a DLQ reason must be given');
        // a valid event is refused only for a price book that throws or a cost that overflows the column
        if (
          kind === 'valid event' &&
          !/^(internal: Error: price book unavailable|row\.credits: )/.test(result.reason)
        ) {
          throw new Error(`a valid event was refused: ${result.reason}`);
        }
        const reason = result.reason
          .replace(/unknown field ".*"$/, 'unknown field "…"')
          .replace(/^tags\.\d+:/, 'tags.<i>:');
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261201) },
    );
    const seconds = (Date.now() - started) / 1000;
    const dlq = [...reasons.values()].reduce((a, b) => a + b, 0);
    const report = [
      `fuzzed ${RUNS} messages in ${seconds.toFixed(1)} s: ${rows} rows (${validRows} of unmutated valid events, ` +
        `${leapRows} from leap seconds), ${dlq} DLQ reasons, 0 throws`,
      'messages by kind:',
      ...[...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${String(n).padStart(7)}  ${k}`),
      'DLQ reasons:',
      ...[...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `  ${String(n).padStart(7)}  ${r}`),
    ];
    process.stdout.write(`${report.join('\n')}\n`);
    expect(rows + dlq).toBe(RUNS);
    expect(leapRows).toBeGreaterThan(0);
    expect(validRows).toBeGreaterThan(RUNS / 20);
    expect([...reasons.keys()].some((r) => r.startsWith('internal: '))).toBe(true);
    expect([...reasons.keys()].some((r) => r.startsWith('row.credits: '))).toBe(true);
  });
});
