import { DataSource } from 'typeorm';
import { TaskEntity } from '../../src/tasks/task.entity';
import { expectedUsd, ledger, nanoToUsd } from '../support/billing';
import { createTasks, eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';
import { testTenantId } from '../support/tenant-id';

/**
 * The background sync records many looks in one transaction (group commit). Whatever shares a batch: every success
 * is charged exactly once, while tenants GET the same tasks; each at the price in force when it was created (a price
 * change between two creations splits one backlog between two prices); and no settled task keeps a lease or a next look.
 */
describe('the background sync settles a backlog once each, at the price of creation', () => {
  let gw: TestGateway;
  let t: { id: string; token: string };
  const sku = 'dreamina-seedance-2-0-fast-novideo';
  const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'boat' }], resolution: '720p', ratio: '16:9', duration: 5 };

  beforeAll(async () => {
    gw = await startGateway({ sync: true, sandbox: { queuedMs: 100, runningMs: 300 } });
    t = await gw.newTenant({ media_policy: 'any', rate_limit_per_minute: 100000 });
  });
  afterAll(async () => gw?.close());

  const createHeld = (n: number) => createTasks(gw, t.token, body, n);

  it('60 tasks, 30 created before a price change and 30 after, 20 of them read by the tenant meanwhile', async () => {
    gw.sandbox.control.holdAll('queued');
    const before = await createHeld(30);
    expect((await gw.admin('PUT', `/admin/prices/${sku}`, { usd_per_million_tokens: '6.25' })).status).toBe(200);
    const after = await createHeld(30);
    gw.sandbox.control.holdAll(null);
    const all = [...before, ...after];
    for (const id of all) gw.sandbox.control.release(id);

    // Tenants read some of them while the sync settles them all.
    const reads = Promise.all(
      all
        .filter((_, i) => i % 3 === 0)
        .map((id) =>
          eventually(
            () => gw.call('GET', `${TASKS}/${id}`, { token: t.token }),
            (r) => r.body.status === 'succeeded',
            30000,
          ),
        ),
    );
    const repo = gw.app.get(DataSource).getRepository(TaskEntity);
    await eventually(
      () => repo.count({ where: { tenantId: testTenantId(t.id), status: 'succeeded' } }),
      (n) => n === 60,
      30000,
    );
    await reads;

    const entries = await ledger(gw, t.id);
    expect(entries).toHaveLength(60);
    expect(new Set(entries.map((e) => e.taskId))).toEqual(new Set(all));
    const usage = new Map(all.map((id) => [id, gw.sandbox.control.task(id)!]));
    for (const e of entries) {
      const tokens = Number(e.tokens);
      expect(tokens).toBeGreaterThan(0);
      expect(usage.get(e.taskId)?.status).toBe('succeeded');
      expect(nanoToUsd(e.amountNano)).toBe(expectedUsd(tokens, before.includes(e.taskId) ? '5.6' : '6.25'));
    }
    // Every lease is given back (a task a tenant's GET settled is let go by the look that held it), nothing is left
    // to look at, nothing reserved.
    const rows = await eventually(
      () => repo.find({ where: { tenantId: testTenantId(t.id) } }),
      (found) => found.every((r) => r.leaseOwner === null && r.leaseUntil === null),
      30000,
    );
    expect(rows.filter((r) => r.nextSyncAt !== null).map((r) => r.taskId)).toEqual([]);
    expect(rows.every((r) => r.reservedNano === '0' && r.finishedAt !== null)).toBe(true);
  });
});
