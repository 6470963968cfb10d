import callEventSchema from '../../../../schemas/events/call-event.v1.schema.json';
import { MAX_LATENCY_MS, peaksByBucket } from './concurrency-read';

describe('peaksByBucket', () => {
  const starts = [0, 60, 120, 180, 240];

  it('carries the count into buckets without a change and weighs it at each start', () => {
    const peaks = peaksByBucket(
      [
        // 0: up to 3, then one ends (net +2); 60: nothing; 120: only an end, at 130 (2 in flight until then)
        { bucket: 0, peak: 3, at_start: 1, net: 2 },
        { bucket: 120, peak: null, at_start: 0, net: -1 },
        // 240: the one left ends on the bucket's start (-1 from it), another starts at 250 (back to 0 from it)
        { bucket: 240, peak: 0, at_start: -1, net: 0 },
      ],
      starts,
    );
    expect(peaks).toEqual(new Map([[null, [3, 2, 2, 1, 1]]]));
  });

  it('a bucket of ends only peaks at its start, after the ends on that instant', () => {
    const peaks = peaksByBucket(
      [
        { bucket: 0, peak: 3, at_start: 3, net: 3 },
        { bucket: 60, peak: null, at_start: -2, net: -3 },
      ],
      starts.slice(0, 2),
    );
    expect(peaks).toEqual(new Map([[null, [3, 1]]]));
  });

  it('runs each group on its own, from none in flight', () => {
    const peaks = peaksByBucket(
      [
        { bucket: '60', group_key: 'a', peak: '2', at_start: '0', net: '2' },
        // a later start in a bucket counts from what is carried in: 2 + 1
        { bucket: '180', group_key: 'a', peak: '1', at_start: '0', net: '0' },
        { bucket: '0', group_key: 'b', peak: '1', at_start: '1', net: '0' },
      ],
      starts,
    );
    expect(peaks).toEqual(
      new Map([
        ['a', [0, 2, 2, 3, 2]],
        ['b', [1, 0, 0, 0, 0]],
      ]),
    );
  });

  it('looks back as far as the longest call the event contract allows', () => {
    expect(MAX_LATENCY_MS).toBe(callEventSchema.properties.latency_ms.maximum);
  });
});
