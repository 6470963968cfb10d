import { planChunks } from './chunk-plan';

const offsets = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));
const ranges = (chunks: ReturnType<typeof planChunks>, o: string[]) =>
  chunks.map((c) => [o[c.start], o[c.end - 1], c.retry]);

describe('planChunks', () => {
  it('cuts a batch into chunks of at most the size', () => {
    const o = offsets(100, 12);
    expect(ranges(planChunks(o, 5, new Map()), o)).toEqual([
      ['100', '104', false],
      ['105', '109', false],
      ['110', '111', false],
    ]);
  });

  it('repeats a recorded chunk where it ended, though more messages follow or the size changed', () => {
    const o = offsets(100, 12);
    expect(ranges(planChunks(o, 5, new Map([['100', '102']])), o)).toEqual([
      ['100', '102', true],
      ['103', '107', false],
      ['108', '111', false],
    ]);
    expect(ranges(planChunks(o, 3, new Map([['103', '109']])), o)).toEqual([
      ['100', '102', false],
      ['103', '109', true],
      ['110', '111', false],
    ]);
    expect(ranges(planChunks(o, 3, new Map([['106', '111']])), o).at(-1)).toEqual(['106', '111', true]);
  });

  it('a batch ending before the recorded chunk does cuts it there, as no retry; offset gaps are skipped', () => {
    const o = ['100', '101', '105', '106'];
    expect(ranges(planChunks(o, 10, new Map([['100', '200']])), o)).toEqual([['100', '106', false]]);
    expect(ranges(planChunks(o, 10, new Map([['100', '103']])), o)).toEqual([
      ['100', '101', true],
      ['105', '106', false],
    ]);
  });
});
