import { startGateway, TASKS, type TestGateway } from '../support/test-gateway';

/**
 * GET /admin/tasks, the console's task log: every tenant's records newest first, filtered by tenant,
 * status, model and time, paged by an opaque keyset cursor; admins only. GET /admin/tasks/{id} is one
 * record with its upstream request and charge.
 */
describe('the admin task log lists every tenant', () => {
  let gw: TestGateway;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  const ids: { a: string[]; b: string[] } = { a: [], b: [] };
  const body = (model: string) => ({ model, content: [{ type: 'text', text: 'A paper boat.' }], resolution: '480p', ratio: '16:9', duration: 4 });

  beforeAll(async () => {
    // Tasks stay queued, so the one tenant A deletes is cancelled, and a second delete hides it.
    gw = await startGateway({ sandbox: { queuedMs: 120_000 } });
    a = await gw.newTenant({ media_policy: 'any' });
    b = await gw.newTenant({
      media_policy: 'any',
      entitlements: { models: ['dreamina-seedance-2-0', 'dreamina-seedance-2-0-fast', 'dreamina-seedance-2-0-mini'] },
    });
    // Interleaved, so ordering across tenants is tested; the model alternates for the filter.
    for (let i = 0; i < 4; i++) {
      for (const [who, t] of [
        ['a', a],
        ['b', b],
      ] as const) {
        const res = await gw.call('POST', TASKS, { token: t.token, body: body(i % 2 === 0 ? 'dreamina-seedance-2-0-fast' : 'dreamina-seedance-2-0-mini') });
        if (res.status !== 200) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
        ids[who].push(res.body.id);
      }
    }
    // Tenant A cancels its first task, then deletes (hides) it: the log still lists it, flagged.
    expect((await gw.call('DELETE', `${TASKS}/${ids.a[0]}`, { token: a.token })).status).toBe(200);
    expect((await gw.call('DELETE', `${TASKS}/${ids.a[0]}`, { token: a.token })).status).toBe(200);
  });
  afterAll(async () => gw?.close());

  it('lists every tenant’s tasks newest first, each exactly once across cursor pages', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await gw.admin('GET', `/admin/tasks?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((t: { task_id: string }) => t.task_id));
      cursor = res.body.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    const created = [...ids.a, ...ids.b];
    expect([...seen].sort()).toEqual([...created].sort());
    // Creation order interleaved a0 b0 a1 b1 …; newest first is its reverse.
    const order = ids.a.flatMap((x, i) => [x, ids.b[i]]).reverse();
    expect(seen).toEqual(order);
  });

  it('a row carries the tenant, model, status, times as ISO-8601 and the tenant’s delete flag', async () => {
    const res = await gw.admin('GET', `/admin/tasks?tenant_id=${a.id}&limit=50`);
    const first = res.body.items.find((t: { task_id: string }) => t.task_id === ids.a[0]);
    expect(first).toMatchObject({ tenant_id: a.id, model: 'dreamina-seedance-2-0-fast', hidden_by_tenant: true, resolution: '480p', duration: 4 });
    expect(first.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(res.body.items.every((t: { tenant_id: string }) => t.tenant_id === a.id)).toBe(true);
    expect(res.body.items).toHaveLength(4);
  });

  it('filters by model (aliases accepted) and by status', async () => {
    const mini = await gw.admin('GET', '/admin/tasks?model=dreamina-seedance-2-0-mini');
    expect(mini.body.items.map((t: { task_id: string }) => t.task_id).sort()).toEqual([ids.a[1], ids.a[3], ids.b[1], ids.b[3]].sort());
    const alias = await gw.admin('GET', '/admin/tasks?model=dreamina-seedance-2-0-mini-260615');
    expect(alias.body.items).toEqual(mini.body.items);
    const cancelled = await gw.admin('GET', '/admin/tasks?status=cancelled');
    expect(cancelled.body.items.map((t: { task_id: string }) => t.task_id)).toEqual([ids.a[0]]);
    const both = await gw.admin('GET', `/admin/tasks?tenant_id=${b.id}&model=dreamina-seedance-2-0-fast`);
    expect(both.body.items.map((t: { task_id: string }) => t.task_id)).toEqual([ids.b[2], ids.b[0]]);
  });

  it('filters by creation time: from inclusive, to exclusive', async () => {
    const all = (await gw.admin('GET', '/admin/tasks')).body.items as Array<{ task_id: string; created_at: string }>;
    const pivot = all.find((t) => t.task_id === ids.b[1])!.created_at;
    const from = (await gw.admin('GET', `/admin/tasks?from=${encodeURIComponent(pivot)}`)).body.items.map((t: { task_id: string }) => t.task_id);
    const to = (await gw.admin('GET', `/admin/tasks?to=${encodeURIComponent(pivot)}`)).body.items.map((t: { task_id: string }) => t.task_id);
    expect(from).toContain(ids.b[1]);
    expect(to).not.toContain(ids.b[1]);
    expect([...from, ...to].sort()).toEqual(all.map((t) => t.task_id).sort());
    expect((await gw.admin('GET', '/admin/tasks?from=2030-01-01T00:00:00Z')).body).toEqual({ items: [], next_cursor: null });
  });

  it('one task’s detail, by upstream id or record id, with what was sent upstream', async () => {
    const byTask = await gw.admin('GET', `/admin/tasks/${ids.b[2]}`);
    expect(byTask.status).toBe(200);
    expect(byTask.body).toMatchObject({ task_id: ids.b[2], tenant_id: b.id, upstream_request: expect.objectContaining({ resolution: '480p' }) });
    const byRecord = await gw.admin('GET', `/admin/tasks/${byTask.body.id}`);
    expect(byRecord.body.task_id).toBe(ids.b[2]);
    const missing = await gw.admin('GET', '/admin/tasks/cgt-20990101000000-nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('cgt-20990101000000-nope');
  });

  it.each([
    ['cursor=not-a-cursor'],
    ['cursor=WzEsMl0'],
    ['limit=0'],
    ['limit=201'],
    ['status=done'],
    ['model=gpt-4'],
    ['from=yesterday'],
    ['from=2026-12-01&to=2026-11-01'],
  ])('%s → 400 in the native error shape', async (qs) => {
    const res = await gw.admin('GET', `/admin/tasks?${qs}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBeTruthy();
  });

  it('only admins: auditor and tenant tokens are refused, no token is 401', async () => {
    const auditor = await gw.admin('POST', '/admin/tokens', { name: 'log-auditor', role: 'auditor' });
    expect((await gw.call('GET', '/admin/tasks', { token: auditor.body.token })).status).toBe(403);
    expect((await gw.call('GET', '/admin/tasks', { token: a.token })).status).toBe(403);
    expect((await gw.call('GET', `/admin/tasks/${ids.a[1]}`, { token: a.token })).status).toBe(403);
    expect((await gw.call('GET', '/admin/tasks')).status).toBe(401);
  });
});

describe('/console when the console is not built', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { ARKGATE_CONSOLE_DIR: '/nonexistent/arkgate-console' } });
  });
  afterAll(async () => gw?.close());

  it('answers 404 saying how to build it, without a token', async () => {
    for (const path of ['/console', '/console/', '/console/assets/x.js']) {
      const res = await gw.call('GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body.error.message).toContain('npm run build');
    }
  });
});
