import { randomBytes } from 'node:crypto';
import { LocalSyncBudget, RedisSyncBudget, SyncBudget } from './sync-budget';

/**
 * The sync budget never grants more than its rate in one second. With REDIS_URL set this runs against
 * Redis with two budgets sharing one key space (two instances); without it, against the local bucket.
 */
describe(`sync budget (${process.env.REDIS_URL ? 'Redis, shared by two instances' : 'in process'})`, () => {
  const prefix = `arkgate:test-budget:${randomBytes(4).toString('hex')}`;
  const make = (rate: number): SyncBudget[] =>
    process.env.REDIS_URL
      ? [new RedisSyncBudget(process.env.REDIS_URL, rate, prefix), new RedisSyncBudget(process.env.REDIS_URL, rate, prefix)]
      : [new LocalSyncBudget(rate)];
  let budgets: SyncBudget[] = [];
  afterEach(async () => {
    for (const b of budgets) await b.close();
  });

  it('grants at most the rate within a second, however the asks are split', async () => {
    // start at the beginning of a second so the window does not roll over mid-test
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    budgets = make(50);
    let granted = 0;
    for (let i = 0; i < 20; i++) granted += await budgets[i % budgets.length].take(7);
    expect(granted).toBe(50);
    expect(await budgets[0].take(10)).toBe(0);
  });

  it('grants again in the next second', async () => {
    budgets = make(10);
    await budgets[0].take(10);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await budgets[budgets.length - 1].take(5)).toBe(5);
  });
});
