import { TestKeyDirectory } from './test-key-directory';

const TEST = '0b6a4c1e-6f1d-4d0a-9a55-3f1e2d3c4b5a';
const LIVE = '7d2e9f10-1a2b-4c3d-8e4f-5a6b7c8d9e0f';

describe('TestKeyDirectory', () => {
  function directory(capacity?: number) {
    const asked: string[][] = [];
    const keys = new TestKeyDirectory(async (ids) => {
      asked.push([...ids]);
      return ids.filter((id) => id.toLowerCase() === TEST);
    }, capacity);
    return { keys, asked };
  }

  it('looks each key up once, in one query per chunk, whatever the case of its id', async () => {
    const { keys, asked } = directory();
    await keys.learn([TEST, LIVE, TEST]);
    await keys.learn([TEST.toUpperCase(), LIVE]);
    expect(asked).toEqual([[TEST, LIVE]]);
    expect([keys.isTest(TEST), keys.isTest(TEST.toUpperCase()), keys.isTest(LIVE)]).toEqual([true, true, false]);
  });

  it('asks nothing for an id Postgres would not read as a uuid: it names no key', async () => {
    const { keys, asked } = directory();
    await keys.learn([`urn:uuid:${TEST}`]);
    expect(asked).toEqual([]);
    expect(keys.isTest(`urn:uuid:${TEST}`)).toBe(false);
  });

  it('empties itself before passing its capacity, still knowing every key of the chunk', async () => {
    const { keys, asked } = directory(2);
    await keys.learn([TEST, LIVE]);
    const third = '11111111-2222-4333-8444-555555555555';
    await keys.learn([third, TEST]);
    expect(asked).toEqual([
      [TEST, LIVE],
      [third, TEST],
    ]);
    expect([keys.isTest(third), keys.isTest(TEST)]).toEqual([false, true]);
    expect(() => keys.isTest(LIVE)).toThrow(/not looked up/);
  });

  it('fails the step when the lookup fails, knowing nothing new (the consumer retries it)', async () => {
    const keys = new TestKeyDirectory(() => Promise.reject(new Error('postgres down')));
    await expect(keys.learn([TEST])).rejects.toThrow('postgres down');
    expect(() => keys.isTest(TEST)).toThrow(/not looked up/);
  });
});
