import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

/** One Redis command may take this long before the caller falls back to its in-process state. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;
/** While Redis is down, one call in this interval tries it again; the others go straight to the fallback. */
export const REDIS_RETRY_INTERVAL_MS = 2000;

/**
 * Options for a Redis client that fails fast instead of queueing: no offline queue (a command while disconnected
 * fails at once), short connect and command timeouts, no per-command retries, and reconnection in the background.
 */
export function fastFailRedisOptions(): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
}

/**
 * Resolves once the client is connected (at once when it is), or rejects after `ms`: without an offline queue a
 * command sent while the first connection is still being made would fail for no reason.
 */
export function whenReady(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`not connected (${client.status})`));
    }, ms);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

export type RedisState = 'ok' | 'down' | 'not_configured';

export type RedisAttempt<T> = { ok: true; value: T } | { ok: false };

/**
 * The one Redis client of an instance (shared rate-limit counters, the sync budget) and what we know of its health
 * (docs/contract.md §9). Callers run commands through `attempt`: when Redis fails or is too slow, or is known to be down,
 * they get `{ ok: false }` within REDIS_COMMAND_TIMEOUT_MS and use their in-process fallback. The switch is logged
 * once per transition and every fallback is counted (`fallbacks`, for metrics).
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);
  readonly client?: Redis;
  private downSince: number | null = null;
  private retryAt = 0;
  private fallbackCount = 0;
  private everReady = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.redisUrl) return;
    this.client = new Redis(config.redisUrl, fastFailRedisOptions());
    // Failures are reported by `attempt` (once per transition); the client's own error events would repeat on every reconnect.
    this.client.on('error', () => undefined);
    this.client.once('ready', () => (this.everReady = true));
  }

  /** Calls that used an in-process fallback because Redis was unreachable, since start. */
  get fallbacks(): number {
    return this.fallbackCount;
  }

  /** `down` from the first failed command until one succeeds again, or while the client is not connected. */
  get state(): RedisState {
    if (!this.client) return 'not_configured';
    return this.downSince !== null || this.client.status !== 'ready' ? 'down' : 'ok';
  }

  /** Runs `command` on Redis within the deadline; `{ ok: false }` when Redis is not configured or not usable now. */
  async attempt<T>(command: (redis: Redis) => Promise<T>, opts: { countFallback?: boolean } = {}): Promise<RedisAttempt<T>> {
    const client = this.client;
    if (!client) return { ok: false };
    const count = opts.countFallback !== false;
    const now = Date.now();
    if (this.downSince !== null && now < this.retryAt) {
      if (count) this.fallbackCount += 1;
      return { ok: false };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_COMMAND_TIMEOUT_MS} ms`)), REDIS_COMMAND_TIMEOUT_MS);
      });
      // Before the first connection is up, wait for it (within the same deadline); after that, fail fast.
      const run = this.everReady ? command(client) : whenReady(client, REDIS_COMMAND_TIMEOUT_MS).then(() => command(client));
      const value = await Promise.race([run, deadline]);
      if (this.downSince !== null) {
        this.logger.warn(`Redis reachable again after ${Date.now() - this.downSince} ms; shared counters resumed`);
        this.downSince = null;
      }
      return { ok: true, value };
    } catch (err) {
      if (this.downSince === null) {
        this.downSince = now;
        this.logger.warn(`Redis unreachable (${(err as Error).message}); rate limits and the sync budget use in-process counters`);
      }
      this.retryAt = Date.now() + REDIS_RETRY_INTERVAL_MS;
      if (count) this.fallbackCount += 1;
      return { ok: false };
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.client?.disconnect();
  }
}
