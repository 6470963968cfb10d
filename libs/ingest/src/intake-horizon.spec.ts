import { fuzzDeps as anyAge } from '../../../test/harness/fuzz-messages';
import { makeEvent } from '../../../test/harness/events';
import { REPLAY_ALLOW_OLD_HEADER, REPLAYED_FROM_HEADER, tooOldReason } from './intake-horizon';
import { toRowOrReason } from './message-to-row';

const DAY = 86_400_000;
const NOW = anyAge.now;
const fuzzDeps = { ...anyAge, horizonDays: 35 };

describe('the intake horizon', () => {
  it('takes an event up to the horizon and refuses one older, saying by how much', () => {
    expect(tooOldReason(NOW - 35 * DAY, NOW, 35)).toBeUndefined();
    expect(tooOldReason(NOW - 35 * DAY - 1, NOW, 35)).toMatch(
      /^too_old: occurred_at is 35 days before now, past the intake horizon of 35 days/,
    );
    expect(tooOldReason(NOW - 400 * DAY, NOW, 35)).toMatch(/^too_old: occurred_at is 400 days before now/);
  });

  describe('in the worker', () => {
    const old = makeEvent({ occurred_at: new Date(NOW - 40 * DAY).toISOString(), model: 'glm-5' });
    const message = (headers?: Record<string, string>) => ({
      value: Buffer.from(JSON.stringify(old)),
      offset: '7',
      headers,
    });

    it('sends a live event past the horizon to the DLQ as too_old', () => {
      expect(toRowOrReason(message(), fuzzDeps).reason).toMatch(/^too_old: /);
    });

    it('refuses the allow-old header on a message that is no DLQ replay', () => {
      expect(toRowOrReason(message({ [REPLAY_ALLOW_OLD_HEADER]: '1' }), fuzzDeps).reason).toMatch(/^too_old: /);
    });

    it("takes it from a replay with --allow-old, as origin 'replay'; a plain replay stays refused", () => {
      const replayed = { [REPLAYED_FROM_HEADER]: 'calls.v1.dlq/0/3' };
      expect(toRowOrReason(message(replayed), fuzzDeps).reason).toMatch(/^too_old: /);
      const row = toRowOrReason(message({ ...replayed, [REPLAY_ALLOW_OLD_HEADER]: '1' }), fuzzDeps).row;
      expect(row).toMatchObject({ event_id: old.event_id, origin: 'replay' });
    });

    it("stores a live event within the horizon as origin 'live'", () => {
      const fresh = makeEvent({ occurred_at: new Date(NOW - DAY).toISOString() });
      const result = toRowOrReason({ value: Buffer.from(JSON.stringify(fresh)), offset: '8' }, fuzzDeps);
      expect(result.row?.origin).toBe('live');
    });
  });
});
