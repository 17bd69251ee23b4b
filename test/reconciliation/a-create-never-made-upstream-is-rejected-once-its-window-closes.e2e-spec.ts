/**
 * docs/contract.md §9: a create whose outcome is unknown but that the upstream never made (the request was lost before it
 * took effect) is rejected once a listing made after its window closed does not find it: its reservation and
 * Idempotency-Key are released. One still unresolved at ARKGATE_RECONCILE_DEADLINE_S is rejected and flagged.
 */
import { auditEvents, records } from '../support/reconciliation';
import { eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';
import { upstreamCreates } from '../support/upstream-requests';

// $0.60984 reserved; the limit holds one reservation only.
const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'never made' }], resolution: '720p', ratio: '16:9', duration: 5 };

describe('a create never made upstream is rejected once its window closes', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // Window: ARK_TIMEOUT_MS (1.5 s) + 2 × 500 ms after the create.
    gw = await startGateway({ env: { ARKGATE_RECONCILE_INLINE_MS: '300', ARKGATE_RECONCILE_INTERVAL_MS: '200', ARKGATE_RECONCILE_GRACE_MS: '500' } });
  });
  afterAll(async () => gw?.close());

  it('a 500 before the task was made → 502, then rejected, reservation and key released; the retry creates it', async () => {
    const t = await gw.newTenant({ media_policy: 'any', spend_limit_usd: '0.70' });
    const create = () => gw.call('POST', TASKS, { token: t.token, body, headers: { 'Idempotency-Key': 'lost-before' } });
    gw.sandbox.control.addFault({ op: 'create', kind: 'status', status: 500 });
    expect((await create()).status).toBe(502);
    expect(await records(gw, t.id)).toMatchObject([{ status: 'unknown', reservedNano: expect.not.stringMatching(/^0$/) }]);
    expect((await create()).status).toBe(409);

    const [row] = await eventually(
      () => records(gw, t.id),
      (rows) => rows[0].status === 'rejected',
      8000,
    );
    expect(row).toMatchObject({ reservedNano: '0', taskId: null, errorCode: 'upstream_task_not_found', reconcileReason: null });
    expect(Date.now() - row.createdAt).toBeGreaterThan(1500 + 2 * 500);
    const unrecovered = (await auditEvents(gw, 'task.unrecovered')).filter((e) => e.tenantId === t.id);
    expect(unrecovered).toHaveLength(1);

    const retry = await create();
    expect(retry.status).toBe(200);
    expect(upstreamCreates(gw.sandbox).filter((b) => b.content[0].text === 'never made')).toHaveLength(2);
  });
});

describe('a record still unresolved at its deadline', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      env: { ARKGATE_RECONCILE_INLINE_MS: '0', ARKGATE_RECONCILE_INTERVAL_MS: '200', ARKGATE_RECONCILE_GRACE_MS: '60000', ARKGATE_RECONCILE_DEADLINE_S: '2' },
    });
  });
  afterAll(async () => gw?.close());

  it('is rejected, its reservation released, and flagged in the reconciliation view', async () => {
    const t = await gw.newTenant({ media_policy: 'any' });
    gw.sandbox.control.addFault({ op: 'list', kind: 'status', status: 500, times: Infinity });
    gw.sandbox.control.addFault({ op: 'create', kind: 'reset', afterHandling: true });
    expect((await gw.call('POST', TASKS, { token: t.token, body })).status).toBe(502);
    const [row] = await eventually(
      () => records(gw, t.id),
      (rows) => rows[0].status === 'rejected',
      8000,
    );
    expect(row).toMatchObject({ reservedNano: '0', errorCode: 'unresolved_at_deadline', reconcileReason: 'deadline' });
    gw.sandbox.control.clearFaults();
    const view = await gw.admin('GET', '/admin/reconciliation');
    expect(view.body.unresolved.find((u: { record_id: string }) => u.record_id === row.id)).toMatchObject({
      status: 'rejected',
      reason: 'deadline',
      tenant_id: t.id,
    });
    // The task the upstream did make is nobody's: the operator sees it as an orphan.
    expect(view.body.orphans).toHaveLength(1);
  });
});
