import Redis from 'ioredis';
import { fastFailRedisOptions, RedisConnection, whenReady } from '../common/redis/redis-connection';

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
  private readonly owned: boolean;

  /** With a URL the budget opens (and closes) its own fast-failing client; with a client it borrows that one. */
  constructor(
    redis: string | Redis,
    private readonly perSecond: number,
    private readonly prefix = 'arkgate:sync-budget',
  ) {
    this.owned = typeof redis === 'string';
    this.redis = typeof redis === 'string' ? new Redis(redis, fastFailRedisOptions()) : redis;
  }

  async take(wanted: number): Promise<number> {
    if (wanted <= 0) return 0;
    if (this.owned) await whenReady(this.redis, 2000);
    const key = `${this.prefix}:${Math.floor(Date.now() / 1000)}`;
    const [[, total]] = (await this.redis.multi().incrby(key, wanted).expire(key, 5).exec()) as [[null, number], unknown];
    const before = total - wanted;
    return Math.max(0, Math.min(wanted, this.perSecond - before));
  }

  async close(): Promise<void> {
    if (this.owned) this.redis.disconnect();
  }
}

/**
 * The fleet's budget through Redis while Redis answers; this instance's own bucket while it does not (docs/contract.md §9:
 * a Redis outage degrades the sync, it never stops or hangs it).
 */
export class ResilientSyncBudget implements SyncBudget {
  private readonly shared?: RedisSyncBudget;
  private readonly local: LocalSyncBudget;

  constructor(
    private readonly redis: RedisConnection,
    perSecond: number,
  ) {
    if (redis.client) this.shared = new RedisSyncBudget(redis.client, perSecond);
    this.local = new LocalSyncBudget(perSecond);
  }

  async take(wanted: number): Promise<number> {
    const shared = this.shared;
    if (shared) {
      const answer = await this.redis.attempt(() => shared.take(wanted));
      if (answer.ok) return answer.value;
    }
    return this.local.take(wanted);
  }

  async close(): Promise<void> {}
}
