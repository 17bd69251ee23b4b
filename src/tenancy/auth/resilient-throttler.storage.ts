import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { RedisConnection } from '../../common/redis/redis-connection';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

/**
 * Rate-limit counters shared through Redis, falling back to in-process fixed windows within a second when Redis
 * fails or is slow (docs/contract.md §9), and back to Redis once it answers again. During an outage each instance counts
 * only its own calls, so a tenant spread over N instances may get up to N times its limit; no call fails or hangs.
 */
export class ResilientThrottlerStorage implements ThrottlerStorage {
  private readonly shared?: ThrottlerStorageRedisService;
  private readonly local = new FixedWindowThrottlerStorage();

  constructor(private readonly redis: RedisConnection) {
    if (redis.client) this.shared = new ThrottlerStorageRedisService(redis.client);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const shared = this.shared;
    if (shared) {
      const answer = await this.redis.attempt(() => shared.increment(key, ttl, limit, blockDuration, throttlerName));
      if (answer.ok) return answer.value;
    }
    return this.local.increment(key, ttl, limit);
  }
}
