import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

describe('FixedWindowThrottlerStorage', () => {
  afterEach(() => jest.useRealTimers());

  it('counts hits per key within a window and blocks past the limit', async () => {
    const s = new FixedWindowThrottlerStorage();
    const hit = (key = 'tenant:a') => s.increment(key, 60_000, 2);
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false, timeToBlockExpire: 0 });
    expect(await hit()).toMatchObject({ totalHits: 2, isBlocked: false });
    const third = await hit();
    expect(third).toMatchObject({ totalHits: 3, isBlocked: true });
    expect(third.timeToBlockExpire).toBeGreaterThan(0);
    expect(third.timeToBlockExpire).toBeLessThanOrEqual(60);
    expect(await hit('tenant:b')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('starts a new window when the old one ends', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const s = new FixedWindowThrottlerStorage();
    await s.increment('k', 1000, 1);
    expect((await s.increment('k', 1000, 1)).isBlocked).toBe(true);
    jest.setSystemTime(1_001_000);
    expect(await s.increment('k', 1000, 1)).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
