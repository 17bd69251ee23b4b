/**
 * docs/contract.md §9: a create whose upstream answer is lost (5xx, reset, hang or slow answer past ARK_TIMEOUT_MS, a success
 * with a broken body, our own failure to record the answer) is never marked rejected: the request finds its task
 * upstream and answers 200 with the real id; the task is the tenant's (GET, list), charged exactly once when it
 * succeeds, no orphan is left upstream and the reservation is released.
 */
import type { FaultSpec } from '@arkgate/sandbox';
import { ledger } from '../support/billing';
import { auditEvents, failRecordingAccepted, records } from '../support/reconciliation';
import { eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';
import { upstreamCreates } from '../support/upstream-requests';

// 720p 16:9 5 s fast: $0.60984 reserved and charged; a limit of $1.30 holds two only if the first reservation is released.
const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'a lighthouse at dusk' }], resolution: '720p', ratio: '16:9', duration: 5 };

describe('a create whose answer is lost ends visible and charged once', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      sync: true,
      env: { ARKGATE_RECONCILE_INLINE_MS: '5000', ARKGATE_RECONCILE_INTERVAL_MS: '200', ARKGATE_RECONCILE_GRACE_MS: '1000' },
    });
  });
  afterAll(async () => gw?.close());
  beforeEach(() => {
    gw.sandbox.control.clearFaults();
    gw.sandbox.control.clearRequests();
  });

  async function expectRecoveredAndSettled(tenant: { id: string; token: string }, id: string) {
    expect(id).toMatch(/^cgt-/);
    expect(upstreamCreates(gw.sandbox)).toHaveLength(1);
    const done = await eventually(
      () => gw.call('GET', `${TASKS}/${id}`, { token: tenant.token }),
      (r) => r.body.status === 'succeeded',
    );
    expect(done.body).toMatchObject({ id, model: 'dreamina-seedance-2-0-fast', status: 'succeeded' });
    const listed = await gw.call('GET', TASKS, { token: tenant.token });
    expect(listed.body.items.map((t: { id: string }) => t.id)).toEqual([id]);
    const charges = await ledger(gw, tenant.id);
    expect(charges.map((e) => e.taskId)).toEqual([id]);
    const [row] = await records(gw, tenant.id);
    expect(row).toMatchObject({ taskId: id, status: 'succeeded', reservedNano: '0' });
    const view = await gw.admin('GET', '/admin/reconciliation');
    expect(view.status).toBe(200);
    expect(view.body.orphans.map((o: { task_id: string }) => o.task_id)).not.toContain(id);
    expect(view.body.unresolved.map((u: { record_id: string }) => u.record_id)).not.toContain(row.id);
    // The reservation is gone: a second create fits under the limit next to the first charge.
    const next = await gw.call('POST', TASKS, { token: tenant.token, body });
    expect(next.status).toBe(200);
  }

  it.each<[string, FaultSpec]>([
    ['a 500 after the task was created', { op: 'create', kind: 'status', status: 500, afterHandling: true }],
    ['a connection reset after the task was created', { op: 'create', kind: 'reset', afterHandling: true }],
    ['no answer at all (hang past ARK_TIMEOUT_MS) after the task was created', { op: 'create', kind: 'hang', afterHandling: true }],
    ['an answer slower than ARK_TIMEOUT_MS', { op: 'create', kind: 'latency', ms: 2500 }],
    ['a 200 whose body is not JSON', { op: 'create', kind: 'status', status: 200, body: 'not json', afterHandling: true }],
  ])('%s → 200 with the real id, then visible, charged once, reservation released', async (_, fault) => {
    const tenant = await gw.newTenant({ media_policy: 'any', spend_limit_usd: '1.30' });
    gw.sandbox.control.addFault(fault);
    const res = await gw.call('POST', TASKS, { token: tenant.token, body });
    expect(res.status).toBe(200);
    await expectRecoveredAndSettled(tenant, res.body.id);
    const recovered = (await auditEvents(gw, 'task.recovered')).filter((e) => e.tenantId === tenant.id);
    expect(recovered.map((e) => e.targetId)).toEqual([res.body.id]);
  });

  it('the transaction recording an accepted create fails → the upstream id is kept and the task recovered', async () => {
    const tenant = await gw.newTenant({ media_policy: 'any', spend_limit_usd: '1.30' });
    const restore = await failRecordingAccepted(gw);
    let res;
    try {
      res = await gw.call('POST', TASKS, { token: tenant.token, body });
    } finally {
      await restore();
    }
    expect(res.status).toBe(200);
    await expectRecoveredAndSettled(tenant, res.body.id);
  });

  it('a create upstream refused (4xx) is rejected at once: reservation and nothing else held', async () => {
    const tenant = await gw.newTenant({ media_policy: 'any', spend_limit_usd: '0.70' });
    gw.sandbox.control.addFault({
      op: 'create',
      kind: 'status',
      status: 400,
      body: { error: { code: 'InvalidParameter', message: 'no', param: '', type: 'BadRequest' } },
    });
    expect((await gw.call('POST', TASKS, { token: tenant.token, body })).status).toBe(400);
    expect(await records(gw, tenant.id)).toMatchObject([{ status: 'rejected', reservedNano: '0' }]);
    expect((await gw.call('POST', TASKS, { token: tenant.token, body })).status).toBe(200);
  });
});

describe('with inline resolution off', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      sync: true,
      env: { ARKGATE_RECONCILE_INLINE_MS: '0', ARKGATE_RECONCILE_INTERVAL_MS: '200', ARKGATE_RECONCILE_GRACE_MS: '1000' },
    });
  });
  afterAll(async () => gw?.close());

  it('a lost answer → 502 saying a retry with the same key is safe; the reconciler then attaches the task', async () => {
    const tenant = await gw.newTenant({ media_policy: 'any' });
    gw.sandbox.control.addFault({ op: 'create', kind: 'status', status: 503, afterHandling: true });
    const res = await gw.call('POST', TASKS, { token: tenant.token, body });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: 'service_error', type: 'BadGateway' });
    expect(res.body.error.message).toMatch(/being resolved/);
    expect(res.body.error.message).toMatch(/same Idempotency-Key is safe/);
    const listed = await eventually(
      () => gw.call('GET', TASKS, { token: tenant.token }),
      (r) => r.body.total === 1,
    );
    const id = listed.body.items[0].id as string;
    expect(gw.sandbox.control.task(id)).toBeDefined();
    expect(upstreamCreates(gw.sandbox)).toHaveLength(1);
    await eventually(
      () => gw.call('GET', `${TASKS}/${id}`, { token: tenant.token }),
      (r) => r.body.status === 'succeeded',
    );
    await eventually(
      () => ledger(gw, tenant.id),
      (l) => l.length === 1,
    );
    expect((await ledger(gw, tenant.id)).map((e) => e.taskId)).toEqual([id]);
    const [row] = await records(gw, tenant.id);
    expect(row).toMatchObject({ taskId: id, reservedNano: '0' });
  });
});
