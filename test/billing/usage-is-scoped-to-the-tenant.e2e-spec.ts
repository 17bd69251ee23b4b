import { createAndFinish } from '../support/billing';
import { startGateway, type TestGateway } from '../support/test-gateway';

/** /billing/usage: a tenant sees only its own charges; an admin sees any tenant's, or all. */
describe('usage is scoped to the tenant', () => {
  let gw: TestGateway;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  const body = (duration: number) => ({
    model: 'dreamina-seedance-2-0-fast',
    content: [{ type: 'text', text: 'boat' }],
    resolution: '480p',
    ratio: '16:9',
    duration,
  });
  beforeAll(async () => {
    gw = await startGateway();
    a = await gw.newTenant({ media_policy: 'any' });
    b = await gw.newTenant({ media_policy: 'any' });
    await createAndFinish(gw, a.token, body(4)); // 40594 tokens
    await createAndFinish(gw, a.token, body(4));
    await createAndFinish(gw, b.token, body(5)); // 50638 tokens
  });
  afterAll(async () => gw?.close());

  it('each tenant sees its own totals only', async () => {
    const ra = await gw.call('GET', '/billing/usage?group_by=model', { token: a.token });
    expect(ra.body).toMatchObject({ tenant_id: a.id, totals: { tasks: 2, tokens: 81188, amount_usd: '0.4546528' } });
    const rb = await gw.call('GET', '/billing/usage?group_by=model', { token: b.token });
    expect(rb.body).toMatchObject({ tenant_id: b.id, totals: { tasks: 1, tokens: 50638, amount_usd: '0.2835728' } });
  });

  it('tenant B asking for tenant A’s usage → 404', async () => {
    const res = await gw.call('GET', `/billing/usage?tenant_id=${a.id}`, { token: b.token });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('an admin sees one tenant with tenant_id, or everyone without', async () => {
    expect((await gw.admin('GET', `/billing/usage?tenant_id=${b.id}`)).body.totals.tasks).toBe(1);
    expect((await gw.admin('GET', '/billing/usage?group_by=day')).body).toMatchObject({ tenant_id: null, totals: { tasks: 3, tokens: 131826 } });
  });

  it.each([['group_by=week'], ['from=yesterday'], ['from=2026-12-01&to=2026-11-01']])('%s → 400', async (qs) => {
    expect((await gw.call('GET', `/billing/usage?${qs}`, { token: a.token })).status).toBe(400);
  });
});
