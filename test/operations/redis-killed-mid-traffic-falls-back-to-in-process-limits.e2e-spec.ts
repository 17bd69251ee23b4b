/**
 * docs/contract.md §9, Redis unreachable: rate limits fall back to in-process counters within a second, nothing answers 5xx or
 * hangs, /readyz stays 200 and says `redis: "down"`, and the background sync keeps going on its own budget. The test
 * starts its own redis-server on a free port and kills it mid-traffic (a missing redis-server fails the suite).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { RedisConnection } from '../../src/common/redis/redis-connection';
import { freePort } from '../support/child-gateway';
import { eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';

const LIMIT = 30;
const BODY = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'A paper boat on calm water.' }] };

async function startRedisServer(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    redis.once('error', (err) => reject(new Error(`redis-server could not be started (is it installed?): ${err.message}`)));
    redis.once('spawn', () => resolve());
  });
  return redis;
}

describe(`Redis killed mid-traffic (${process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'})`, () => {
  let redis: ChildProcess;
  let gw: TestGateway;
  let tenant: { id: string; token: string };

  beforeAll(async () => {
    const port = await freePort();
    redis = await startRedisServer(port);
    gw = await startGateway({ sync: true, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    tenant = await gw.newTenant({ rate_limit_per_minute: LIMIT });
    await eventually(
      async () => (await gw.call('GET', '/readyz')).body?.redis,
      (r) => r === 'ok',
      5000,
    );
  });
  afterAll(async () => {
    redis.kill('SIGKILL');
    await gw.close();
  });

  it('answers every call within a second of the kill without a 5xx, still limits the tenant in process, reports redis down and keeps syncing', async () => {
    // Traffic through Redis first: the shared counters are in use.
    for (let i = 0; i < 5; i++) expect((await gw.call('GET', TASKS, { token: tenant.token })).status).toBe(200);

    const exited = new Promise((resolve) => redis.once('exit', resolve));
    redis.kill('SIGKILL');
    await exited;

    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 5; i++) {
      const started = Date.now();
      const res = await gw.call('GET', TASKS, { token: tenant.token });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(res.status).toBeLessThan(500);
      statuses.push(res.status);
    }
    // The in-process window starts counting at the fallback: the limit applies again within LIMIT calls.
    expect(statuses.slice(0, LIMIT - 5)).toEqual(Array(LIMIT - 5).fill(200));
    expect(statuses.slice(LIMIT)).toEqual(Array(5).fill(429));

    // Counted for metrics.
    expect(gw.app.get(RedisConnection).fallbacks).toBeGreaterThanOrEqual(LIMIT);

    const ready = await gw.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', database: 'ok', redis: 'down' });

    // The background sync runs on this instance's own budget: a new task still settles without anyone polling it.
    const other = await gw.newTenant();
    const created = await gw.call('POST', TASKS, { token: other.token, body: BODY });
    expect(created.status).toBe(200);
    await eventually(
      async () => (await gw.call('GET', `${TASKS}?filter.task_ids=${created.body.id}`, { token: other.token })).body.items[0]?.status,
      (s) => s === 'succeeded',
      10000,
    );
  });
});
