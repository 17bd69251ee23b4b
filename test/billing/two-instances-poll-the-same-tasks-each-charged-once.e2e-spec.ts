import { DataSource, IsNull } from 'typeorm';
import { TaskEntity } from '../../src/tasks/task.entity';
import { ledger } from '../support/billing';
import { type Cluster, startCluster } from '../support/cluster';
import { eventually, TASKS } from '../support/test-gateway';
import { testTenantId } from '../support/tenant-id';

/**
 * Two instances with the background sync on, one database, 200 tasks nobody polls: every task is
 * settled, each success charged exactly once, none missed.
 */
describe('two instances polling the same 200 tasks charge each once', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(2, { sync: true, sandbox: { queuedMs: 100, runningMs: 300 } });
  });
  afterAll(async () => cluster?.close());

  it('settles all 200, one ledger entry per success, failures uncharged', async () => {
    const [a, b] = cluster.nodes;
    const t = await a.newTenant({ media_policy: 'any', rate_limit_per_minute: 100000 });
    const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'boat' }], resolution: '480p', duration: 4 };
    const ids: string[] = [];
    a.sandbox.control.holdAll('queued');
    for (let i = 0; i < 200; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => ((i + j) % 2 ? b : a).call('POST', TASKS, { token: t.token, body })));
      for (const r of batch) {
        expect(r.status).toBe(200);
        ids.push(r.body.id);
      }
    }
    a.sandbox.control.holdAll(null);
    const failing = new Set(ids.slice(0, 10));
    for (const id of ids) {
      if (failing.has(id)) a.sandbox.control.forceOutcome(id, 'failed');
      else a.sandbox.control.release(id);
    }

    const repo = a.app.get(DataSource).getRepository(TaskEntity);
    await eventually(
      () =>
        repo
          .count({ where: { tenantId: testTenantId(t.id), status: 'succeeded' } })
          .then(async (ok) => ok + (await repo.count({ where: { tenantId: testTenantId(t.id), status: 'failed' } }))),
      (settled) => settled === 200,
      30000,
    );
    const entries = await ledger(a, t.id);
    expect(entries).toHaveLength(190);
    expect(new Set(entries.map((e) => e.taskId)).size).toBe(190);
    expect(entries.some((e) => failing.has(e.taskId))).toBe(false);
    // every lease was given back and nothing is left to look at
    expect(await repo.count({ where: { tenantId: testTenantId(t.id), leaseOwner: IsNull(), nextSyncAt: IsNull() } })).toBe(200);
  });
});
