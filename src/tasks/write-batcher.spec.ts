import { WriteBatcher } from './write-batcher';

/** Small: the group commit hands work over in batches, and each caller gets its own answer. */
describe('WriteBatcher', () => {
  it('flushes what was added in the same turn together, each add resolved with its own result', async () => {
    const flushes: number[][] = [];
    const batcher = new WriteBatcher<number, number>(async (items) => {
      flushes.push(items);
      return items.map((n) => n * 10);
    }, 100);
    const results = await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(flushes).toEqual([[1, 2, 3]]);
  });

  it('runs one flush at a time; what arrives meanwhile goes into the next, never more than the batch size', async () => {
    const flushes: number[][] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const batcher = new WriteBatcher<number, number>(async (items) => {
      flushes.push(items);
      if (flushes.length === 1) await firstHeld;
      return items;
    }, 2);
    const first = batcher.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushes).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => batcher.add(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushes).toHaveLength(1);
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(flushes).toEqual([[1], [2, 3], [4]]);
  });

  it("rejects an item's own error alone, and a failed flush rejects only its batch", async () => {
    let fail = false;
    const batcher = new WriteBatcher<number, number>(async (items) => {
      if (fail) throw new Error('flush failed');
      return items.map((n) => (n === 2 ? new Error('item 2 failed') : n));
    }, 100);
    const settled = await Promise.allSettled([1, 2, 3].map((n) => batcher.add(n)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('item 2 failed'));
    fail = true;
    await expect(batcher.add(4)).rejects.toThrow('flush failed');
    fail = false;
    await expect(batcher.add(5)).resolves.toBe(5);
  });

  it('with room for several flushes, starts the next batch while one is still running', async () => {
    const flushes: number[][] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const batcher = new WriteBatcher<number, number>(
      async (items) => {
        flushes.push(items);
        if (flushes.length === 1) await firstHeld;
        return items;
      },
      10,
      2,
    );
    const first = batcher.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = batcher.add(2);
    expect(await second).toBe(2);
    expect(flushes).toEqual([[1], [2]]);
    release();
    expect(await first).toBe(1);
  });
});
