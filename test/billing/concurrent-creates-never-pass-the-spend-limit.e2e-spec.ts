import { DataSource } from 'typeorm';
import { TaskEntity } from '../../src/tasks/task.entity';
import { ledger, nanoToUsd } from '../support/billing';
import { type Cluster, startCluster } from '../support/cluster';
import { eventually, TASKS } from '../support/test-gateway';
import { testTenantId } from '../support/tenant-id';

/**
 * Spend limits: a create reserves an upper bound (token formula at the requested resolution and ratio,
 * 15 s for duration -1, current price); a create whose reservation would pass the limit is refused.
 * 720p 16:9 5 s fast = 1280×720×121/1024 = 108900 tokens × $5.6/M = $0.609840 reserved each.
 */
describe('concurrent creates never pass the spend limit', () => {
  let cluster: Cluster;
  const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'boat' }], resolution: '720p', ratio: '16:9', duration: 5 };
  beforeAll(async () => {
    cluster = await startCluster(2, { sandbox: { queuedMs: 100, runningMs: 200 } });
  });
  afterAll(async () => cluster?.close());

  it('30 creates at once over two instances with room for 5 → exactly 5 accepted', async () => {
    const [a, b] = cluster.nodes;
    a.sandbox.control.holdAll('running');
    const t = await a.newTenant({ media_policy: 'any', spend_limit_usd: '3.10' });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? b : a).call('POST', TASKS, { token: t.token, body })));
    a.sandbox.control.holdAll(null);
    const accepted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(accepted).toHaveLength(5);
    expect(refused.every((r) => r.status === 403 && r.body.error.code === 'spend_limit_exceeded')).toBe(true);
    expect(refused[0].body.error.message).toContain('$3.10');

    // settlement replaces reservations by real charges, and the total never passes the limit
    for (const r of accepted) a.sandbox.control.release(r.body.id);
    for (const r of accepted)
      await eventually(
        () => a.call('GET', `${TASKS}/${r.body.id}`, { token: t.token }),
        (x) => x.body.status === 'succeeded',
      );
    const entries = await ledger(a, t.id);
    const total = entries.reduce((n, e) => n + BigInt(e.amountNano), 0n);
    expect(nanoToUsd(total.toString())).toBe('3.049200000');
    const rows = await a.app
      .get(DataSource)
      .getRepository(TaskEntity)
      .find({ where: { tenantId: testTenantId(t.id) } });
    expect(rows.every((r) => r.reservedNano === '0')).toBe(true);
  });

  it('a failure releases its reservation; duration -1 reserves 15 s; an admin can lift the limit', async () => {
    const [a] = cluster.nodes;
    // fast 720p, largest ratio (4:3, 1112×834) for 15 s: 1112×834×361/1024 = 326,947 tokens → $1.83…
    const t = await a.newTenant({ media_policy: 'any', spend_limit_usd: '1.00' });
    const auto = await a.call('POST', TASKS, { token: t.token, body: { ...body, duration: -1, ratio: 'adaptive' } });
    expect(auto.status).toBe(403);
    a.sandbox.control.holdAll('running');
    const one = await a.call('POST', TASKS, { token: t.token, body });
    expect(one.status).toBe(200);
    expect((await a.call('POST', TASKS, { token: t.token, body })).status).toBe(403);
    a.sandbox.control.holdAll(null);
    a.sandbox.control.forceOutcome(one.body.id, 'failed');
    await eventually(
      () => a.call('GET', `${TASKS}/${one.body.id}`, { token: t.token }),
      (x) => x.body.status === 'failed',
    );
    expect((await a.call('POST', TASKS, { token: t.token, body })).status).toBe(200);
    const lifted = await a.admin('PATCH', `/admin/tenants/${t.id}`, { spend_limit_usd: null });
    expect(lifted.body.spend_limit_usd).toBeNull();
    expect((await a.call('POST', TASKS, { token: t.token, body: { ...body, duration: -1 } })).status).toBe(200);
  });
});
