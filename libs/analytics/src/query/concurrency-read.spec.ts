import callEventSchema from '../../../../schemas/events/call-event.v1.schema.json';
import { MAX_LATENCY_MS, peaksByBucket } from './concurrency-read';

describe('peaksByBucket', () => {
  const starts = [0, 60, 120, 180, 240];

  it('carries the count into buckets without a change and into one whose first change comes later', () => {
    const peaks = peaksByBucket(
      [
        // 0: up to 3, closing at 2; 60: nothing; 120: a change at 130 down to 1 (2 carried in before it)
        { bucket: 0, peak: 3, changes_at_start: 1, closing: 2 },
        { bucket: 120, peak: 1, changes_at_start: 0, closing: 1 },
        // 240: a change on its start: the carried count is not in flight at 240
        { bucket: 240, peak: 0, changes_at_start: 1, closing: 0 },
      ],
      starts,
    );
    expect(peaks).toEqual(new Map([[null, [3, 2, 2, 1, 0]]]));
  });

  it('runs each group on its own, from none in flight', () => {
    const peaks = peaksByBucket(
      [
        { bucket: '60', group_key: 'a', peak: '2', changes_at_start: false, closing: '2' },
        { bucket: '0', group_key: 'b', peak: '1', changes_at_start: true, closing: '0' },
      ],
      starts,
    );
    expect(peaks).toEqual(
      new Map([
        ['a', [0, 2, 2, 2, 2]],
        ['b', [1, 0, 0, 0, 0]],
      ]),
    );
  });

  it('looks back as far as the longest call the event contract allows', () => {
    expect(MAX_LATENCY_MS).toBe(callEventSchema.properties.latency_ms.maximum);
  });
});
