import Redis from 'ioredis';

/** How many upstream calls the background sync may make now. */
export interface SyncBudget {
  /** Asks for up to `wanted` calls; resolves with how many are granted (0…wanted). */
  take(wanted: number): Promise<number>;
  close(): Promise<void>;
}

/** One instance's budget: a token bucket refilled at `perSecond`, holding at most one second's worth. */
export class LocalSyncBudget implements SyncBudget {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  async take(wanted: number): Promise<number> {
    const now = Date.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    const granted = Math.max(0, Math.min(wanted, Math.floor(this.tokens)));
    this.tokens -= granted;
    return granted;
  }

  async close(): Promise<void> {}
}

/**
 * The whole fleet's budget, shared through Redis: every instance counts its calls into the same
 * per-second window, so together they never pass `perSecond`.
 */
export class RedisSyncBudget implements SyncBudget {
  private readonly redis: Redis;

  constructor(url: string, private readonly perSecond: number, private readonly prefix = 'arkgate:sync-budget') {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
  }

  async take(wanted: number): Promise<number> {
    if (wanted <= 0) return 0;
    const key = `${this.prefix}:${Math.floor(Date.now() / 1000)}`;
    const [[, total]] = (await this.redis.multi().incrby(key, wanted).expire(key, 5).exec()) as [[null, number], unknown];
    const before = total - wanted;
    return Math.max(0, Math.min(wanted, this.perSecond - before));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
