import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ApiTokenEntity } from '../src/tenancy/api-token.entity';
import { ADMIN_TOKEN, eventually, startGateway, TASKS, type TestGateway } from './support/test-gateway';

const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'boat' }], duration: 4, resolution: '480p' };

describe('tenancy and auth', () => {
  let gw: TestGateway;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  let taskOfA: string;

  beforeAll(async () => {
    gw = await startGateway();
    a = await gw.newTenant({ media_policy: 'any' });
    b = await gw.newTenant({ media_policy: 'any' });
    const created = await gw.call('POST', TASKS, { token: a.token, body });
    taskOfA = created.body.id;
  });
  afterAll(async () => gw?.close());

  describe('tokens', () => {
    it.each([
      ['no Authorization header', {}],
      ['an unknown oh- token', { authorization: 'Bearer oh-unknown-token-000000000000000' }],
      ['a token without the oh- prefix', { authorization: 'Bearer abcdef' }],
      ['a Basic header', { authorization: 'Basic dXNlcjpwYXNz' }],
    ])('%s → 401 in the native shape', async (_, headers) => {
      const res = await gw.call('GET', TASKS, { headers });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'unauthorized', type: 'Unauthorized' });
    });

    it('tokens are oh- strings and are stored only as hashes', async () => {
      expect(a.token).toMatch(/^oh-[A-Za-z0-9_-]{32}$/);
      const rows = await gw.app.get(DataSource).getRepository(ApiTokenEntity).find();
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(row)).not.toContain(a.token);
      }
      const listed = await gw.admin('GET', `/admin/tenants/${a.id}/tokens`);
      expect(JSON.stringify(listed.body)).not.toContain(a.token);
    });

    it('a revoked token stops working within seconds', async () => {
      const t = await gw.newTenant();
      expect((await gw.call('GET', TASKS, { token: t.token })).status).toBe(200);
      const tokens = await gw.admin('GET', `/admin/tenants/${t.id}/tokens`);
      const revoked = await gw.admin('DELETE', `/admin/tokens/${tokens.body[0].id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revoked_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      await eventually(
        () => gw.call('GET', TASKS, { token: t.token }),
        (r) => r.status === 401,
        5000,
      );
    });
  });

  describe('roles: deny by default', () => {
    it('a tenant token cannot use the admin API', async () => {
      const res = await gw.call('GET', '/admin/tenants', { token: a.token });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    });

    it('admin and auditor tokens cannot use the tenant API', async () => {
      const auditor = await gw.admin('POST', '/admin/tokens', { name: 'aud', role: 'auditor' });
      expect(auditor.status).toBe(201);
      for (const token of [ADMIN_TOKEN, auditor.body.token]) {
        expect((await gw.call('GET', TASKS, { token })).status).toBe(403);
        expect((await gw.call('POST', TASKS, { token, body })).status).toBe(403);
      }
      expect((await gw.call('GET', '/admin/tenants', { token: auditor.body.token })).status).toBe(403);
    });

    it('an unknown route → 404 in the native shape', async () => {
      const res = await gw.call('GET', '/volcark/api/v3/nothing', { token: a.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });
  });

  describe('tenant B cannot see or change tenant A’s tasks', () => {
    it('GET → 404 task_not_found', async () => {
      const res = await gw.call('GET', `${TASKS}/${taskOfA}`, { token: b.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('task_not_found');
      expect((await gw.call('GET', `${TASKS}/${taskOfA}`, { token: a.token })).status).toBe(200);
    });

    it('list → not included, even when filtered by its id', async () => {
      const all = await gw.call('GET', TASKS, { token: b.token });
      expect(all.body.items.map((i: { id: string }) => i.id)).not.toContain(taskOfA);
      const byId = await gw.call('GET', `${TASKS}?filter.task_ids=${taskOfA}`, { token: b.token });
      expect(byId.body).toEqual({ items: [], total: 0 });
    });

    it('DELETE → 404, and A’s task is untouched', async () => {
      const res = await gw.call('DELETE', `${TASKS}/${taskOfA}`, { token: b.token });
      expect(res.status).toBe(404);
      const mine = await gw.call('GET', `${TASKS}/${taskOfA}`, { token: a.token });
      expect(mine.status).toBe(200);
      expect(mine.body.status).not.toBe('cancelled');
    });
  });

  describe('rate limit per tenant (not per IP)', () => {
    it('→ 429 with Retry-After in the native shape, and other tenants are not affected', async () => {
      const limited = await gw.newTenant({ rate_limit_per_minute: 3 });
      const other = await gw.newTenant({ rate_limit_per_minute: 3 });
      for (let i = 0; i < 3; i++) expect((await gw.call('GET', TASKS, { token: limited.token })).status).toBe(200);
      const res = await gw.call('GET', `${TASKS}/cgt-x`, { token: limited.token });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'TooManyRequests' });
      expect((await gw.call('GET', TASKS, { token: other.token })).status).toBe(200);
    });

    it('counters live in Redis when REDIS_URL is set (shared by every instance), else in process', async () => {
      const t = await gw.newTenant();
      await gw.call('GET', TASKS, { token: t.token });
      if (!process.env.REDIS_URL) {
        expect(gw.config.redisUrl).toBeUndefined();
        return;
      }
      const redis = new Redis(process.env.REDIS_URL);
      try {
        const keys = await redis.keys(`*tenant:${t.id}*`);
        expect(keys.length).toBeGreaterThan(0);
      } finally {
        redis.disconnect();
      }
    });

    it('every authenticated call counts, whichever route, and all tokens of a tenant share it', async () => {
      const limited = await gw.newTenant({ rate_limit_per_minute: 2, media_policy: 'any' });
      const second = await gw.admin('POST', `/admin/tenants/${limited.id}/tokens`, { name: 'second' });
      expect((await gw.call('POST', TASKS, { token: limited.token, body })).status).toBe(200);
      expect((await gw.call('GET', TASKS, { token: second.body.token })).status).toBe(200);
      expect((await gw.call('GET', TASKS, { token: limited.token })).status).toBe(429);
    });
  });
});
