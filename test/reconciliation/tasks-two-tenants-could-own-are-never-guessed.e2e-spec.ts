/**
 * docs/contract.md §9: when the upstream tasks of lost answers could belong to records of different tenants, none is attached
 * by guess; the records stay unresolved and both tasks are listed as orphans (with usage and list-price cost) in
 * GET /admin/reconciliation, which admins and auditors may read and tenants may not.
 */
import { ADMIN_TOKEN, eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';
import { auditEvents, records } from '../support/reconciliation';
import { expectedUsd } from '../support/billing';

// Identical parameters for both tenants: 720p 16:9 5 s fast = 108900 tokens at the fast novideo price $5.6/M.
const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'same settings' }], resolution: '720p', ratio: '16:9', duration: 5 };

describe('tasks two tenants could own are never guessed', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { ARKGATE_RECONCILE_INLINE_MS: '0', ARKGATE_RECONCILE_INTERVAL_MS: '150', ARKGATE_RECONCILE_GRACE_MS: '1000' } });
  });
  afterAll(async () => gw?.close());

  it("two tenants' identical creates with lost answers → neither attached, both in the reconciliation view", async () => {
    const a = await gw.newTenant({ media_policy: 'any' });
    const b = await gw.newTenant({ media_policy: 'any' });
    gw.sandbox.control.addFault({ op: 'list', kind: 'status', status: 500, times: Infinity });
    gw.sandbox.control.addFault({ op: 'create', kind: 'status', status: 500, afterHandling: true, times: 2 });
    expect((await gw.call('POST', TASKS, { token: a.token, body })).status).toBe(502);
    expect((await gw.call('POST', TASKS, { token: b.token, body })).status).toBe(502);
    gw.sandbox.control.clearFaults();

    const both = [...(await records(gw, a.id)), ...(await records(gw, b.id))];
    const view = await eventually(
      () => gw.admin('GET', '/admin/reconciliation'),
      (r) =>
        r.body.unresolved.filter((u: { reason: string }) => u.reason === 'ambiguous').length === 2 &&
        r.body.orphans?.every((o: { status: string }) => o.status === 'succeeded'),
    );
    const unresolved = view.body.unresolved.filter((u: { record_id: string }) => both.some((r) => r.id === u.record_id));
    expect(unresolved).toHaveLength(2);
    expect(new Set(unresolved.map((u: { tenant_id: string }) => u.tenant_id))).toEqual(new Set([a.id, b.id]));
    for (const u of unresolved) {
      expect(u).toMatchObject({
        status: 'unknown',
        reason: 'ambiguous',
        model: 'dreamina-seedance-2-0-fast',
        upstream_model: 'dreamina-seedance-2-0-fast-260128',
      });
      expect(u.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(view.body.orphans).toHaveLength(2);
    for (const o of view.body.orphans) {
      expect(o).toMatchObject({
        model: 'dreamina-seedance-2-0-fast',
        status: 'succeeded',
        completion_tokens: 108900,
        sku: 'dreamina-seedance-2-0-fast-novideo',
        list_price_usd: expectedUsd(108900, '5.6').replace(/0+$/, ''),
        note: 'novideo assumed',
      });
    }
    expect(view.body.orphan_totals).toMatchObject({ tasks: 2, completion_tokens: 217800 });

    // Several more rounds change nothing: nothing visible, nothing recovered, nothing charged.
    await new Promise((r) => setTimeout(r, 600));
    expect((await gw.call('GET', TASKS, { token: a.token })).body.total).toBe(0);
    expect((await gw.call('GET', TASKS, { token: b.token })).body.total).toBe(0);
    expect((await records(gw, a.id)).map((r) => [r.status, r.taskId])).toEqual([['unknown', null]]);
    expect(await auditEvents(gw, 'task.recovered')).toEqual([]);
  });

  it('the view is for admins and auditors: a tenant token is refused', async () => {
    const t = await gw.newTenant();
    const asTenant = await gw.call('GET', '/admin/reconciliation', { token: t.token });
    expect([403, 404]).toContain(asTenant.status);
    expect(JSON.stringify(asTenant.body)).not.toContain('unresolved');
    const issued = await gw.call('POST', '/admin/tokens', { token: ADMIN_TOKEN, body: { role: 'auditor', name: 'books' } });
    expect(issued.status).toBe(201);
    expect((await gw.call('GET', '/admin/reconciliation', { token: issued.body.token })).status).toBe(200);
    expect((await gw.call('GET', '/admin/reconciliation')).status).toBe(401);
  });
});
