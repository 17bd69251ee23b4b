/**
 * docs/contract.md §9: reconciliation is lease-safe across instances. Two instances on one database reconciling the same
 * backlog of lost answers resolve each record exactly once: one `task.recovered` event per record, one ledger entry
 * per succeeded task.
 */
import { ledger } from '../support/billing';
import { type Cluster, startCluster } from '../support/cluster';
import { auditEvents, records } from '../support/reconciliation';
import { eventually, TASKS } from '../support/test-gateway';
import { upstreamCreates } from '../support/upstream-requests';

const N = 12;

describe('two instances reconciling one backlog resolve each record once', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(2, {
      sync: true,
      env: { ARKGATE_RECONCILE_INLINE_MS: '0', ARKGATE_RECONCILE_INTERVAL_MS: '50', ARKGATE_RECONCILE_GRACE_MS: '1000' },
    });
  });
  afterAll(async () => cluster?.close());

  it(`${N} lost answers created on both instances → each attached once and charged once`, async () => {
    const [a, b] = cluster.nodes;
    const t = await a.newTenant({ media_policy: 'any' });
    // The backlog builds up while listing fails; then both instances see it at once.
    a.sandbox.control.addFault({ op: 'list', kind: 'status', status: 500, times: Infinity });
    a.sandbox.control.addFault({ op: 'create', kind: 'status', status: 502, afterHandling: true, times: N });
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        (i % 2 ? b : a).call('POST', TASKS, {
          token: t.token,
          body: { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: `shot ${i}` }], resolution: '480p', duration: 4 + i },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(N).fill(502));
    expect((await records(a, t.id)).every((r) => r.status === 'unknown')).toBe(true);
    a.sandbox.control.clearFaults();

    await eventually(
      () => records(a, t.id),
      (rows) => rows.every((r) => r.status === 'succeeded'),
      20_000,
    );
    await eventually(
      () => ledger(a, t.id),
      (l) => l.length === N,
      10_000,
    );
    const rows = await records(a, t.id);
    expect(upstreamCreates(a.sandbox)).toHaveLength(N);
    expect(new Set(rows.map((r) => r.taskId)).size).toBe(N);
    for (const r of rows) expect(a.sandbox.control.task(r.taskId as string)).toBeDefined();
    // Each record got the task with its own duration (no two records share one).
    for (const r of rows) expect(r.upstreamTask?.duration).toBe(r.upstreamRequest.duration);

    const recovered = (await auditEvents(a, 'task.recovered')).filter((e) => e.tenantId === t.id);
    expect(recovered).toHaveLength(N);
    expect(new Set(recovered.map((e) => e.properties.record_id)).size).toBe(N);
    const charges = await ledger(a, t.id);
    expect(new Set(charges.map((e) => e.taskId)).size).toBe(N);
  });
});
