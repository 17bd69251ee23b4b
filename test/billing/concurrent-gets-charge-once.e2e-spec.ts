import { ledger } from '../support/billing';
import { type Cluster, startCluster } from '../support/cluster';
import { eventually, TASKS } from '../support/test-gateway';

/** A succeeded task is charged exactly once, however many readers race to settle it, on two instances. */
describe('concurrent GETs of a task that just succeeded charge it once', () => {
  let cluster: Cluster;
  let t: { id: string; token: string };
  const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'boat' }], resolution: '480p', duration: 4 };

  beforeAll(async () => {
    cluster = await startCluster(2);
    t = await cluster.nodes[0].newTenant({ media_policy: 'any' });
  });
  afterAll(async () => cluster?.close());

  it('50 parallel GETs (25 on each instance) → one ledger entry', async () => {
    const [a, b] = cluster.nodes;
    a.sandbox.control.holdAll('running');
    const created = await a.call('POST', TASKS, { token: t.token, body });
    a.sandbox.control.holdAll(null);
    const id = created.body.id as string;
    await eventually(
      () => a.call('GET', `${TASKS}/${id}`, { token: t.token }),
      (r) => r.body.status === 'running',
    );
    a.sandbox.control.forceOutcome(id, 'succeeded');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? b : a).call('GET', `${TASKS}/${id}`, { token: t.token })));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(results.every((r) => r.body.status === 'succeeded')).toBe(true);
    expect((await ledger(a, t.id)).filter((e) => e.taskId === id)).toHaveLength(1);
  });
});
