import { createServer } from 'node:net';
import { loadConfig } from '../../config/app-config';
import { REDIS_COMMAND_TIMEOUT_MS, RedisConnection } from './redis-connection';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('RedisConnection', () => {
  it('without REDIS_URL: not configured, every attempt falls back at once', async () => {
    const redis = new RedisConnection(loadConfig({ ARKGATE_UPSTREAM: 'sandbox' }));
    expect(redis.state).toBe('not_configured');
    expect(await redis.attempt(async () => 'never')).toEqual({ ok: false });
  });

  it('with Redis unreachable: falls back within the command deadline, reports down, counts, and skips Redis until the retry', async () => {
    const redis = new RedisConnection(loadConfig({ ARKGATE_UPSTREAM: 'sandbox', REDIS_URL: `redis://127.0.0.1:${await closedPort()}` }));
    try {
      const started = Date.now();
      expect(await redis.attempt((r) => r.ping())).toEqual({ ok: false });
      expect(Date.now() - started).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + 300);
      expect(redis.state).toBe('down');
      let called = false;
      expect(await redis.attempt(async () => (called = true))).toEqual({ ok: false });
      expect(called).toBe(false);
      expect(redis.fallbacks).toBe(2);
      expect(await redis.attempt((r) => r.ping(), { countFallback: false })).toEqual({ ok: false });
      expect(redis.fallbacks).toBe(2);
    } finally {
      redis.onApplicationShutdown();
    }
  });
});
