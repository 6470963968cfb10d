import { ReadWriteLock } from './rw-lock';

const tick = () => new Promise((r) => setImmediate(r));

describe('ReadWriteLock', () => {
  it('lets shared holders overlap and keeps an exclusive holder alone', async () => {
    const lock = new ReadWriteLock();
    const log: string[] = [];
    let releaseA!: () => void;
    const a = lock.withShared(async () => {
      log.push('a+');
      await new Promise<void>((r) => (releaseA = r));
      log.push('a-');
    });
    const b = lock.withShared(async () => {
      log.push('b+');
      log.push('b-');
    });
    await tick();
    const w = lock.withExclusive(async () => {
      log.push('w+');
      log.push('w-');
    });
    const c = lock.withShared(async () => {
      log.push('c+');
    });
    await tick();
    expect(log).toEqual(['a+', 'b+', 'b-']);
    releaseA();
    await Promise.all([a, b, w, c]);
    // the exclusive waiter goes before the shared request that arrived after it
    expect(log).toEqual(['a+', 'b+', 'b-', 'a-', 'w+', 'w-', 'c+']);
  });

  it('releases the lock when the holder throws', async () => {
    const lock = new ReadWriteLock();
    await expect(lock.withExclusive(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.withExclusive(async () => 'next')).resolves.toBe('next');
  });
});
