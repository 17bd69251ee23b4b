import { CachedValue } from './cached-value';

describe('CachedValue', () => {
  let now = 1_000;
  const clock = () => now;

  it('loads once, answers from memory within the window and loads again after it', async () => {
    let loads = 0;
    const cached = new CachedValue(2000, async () => ++loads, clock);
    expect(await cached.get()).toBe(1);
    now += 1999;
    expect(await cached.get()).toBe(1);
    now += 1;
    expect(await cached.get()).toBe(2);
  });

  it('concurrent reads of a stale value share one load', async () => {
    let loads = 0;
    const cached = new CachedValue(2000, async () => ++loads, clock);
    const answers = await Promise.all([cached.get(), cached.get(), cached.get()]);
    expect(answers).toEqual([1, 1, 1]);
    expect(loads).toBe(1);
  });

  it('clear() forgets the value at once, and a load under way at the time is not kept', async () => {
    let release!: (n: number) => void;
    let loads = 0;
    const cached = new CachedValue(
      2000,
      () => {
        loads++;
        return loads === 1 ? new Promise<number>((r) => (release = r)) : Promise.resolve(100 + loads);
      },
      clock,
    );
    const before = cached.get();
    cached.clear();
    release(1);
    expect(await before).toBe(1); // that caller gets what was read before the change
    expect(await cached.get()).toBe(102); // the next read loads again
    expect(await cached.get()).toBe(102);
    expect(loads).toBe(2);
  });

  it('a failed load is not kept: the next read tries again', async () => {
    let loads = 0;
    const cached = new CachedValue(
      2000,
      async () => {
        loads++;
        if (loads === 1) throw new Error('database down');
        return loads;
      },
      clock,
    );
    await expect(cached.get()).rejects.toThrow('database down');
    expect(await cached.get()).toBe(2);
  });
});
