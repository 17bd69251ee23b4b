import { createAndFinish, expectedUsd, ledger, nanoToUsd } from '../support/billing';
import { startGateway, type TestGateway } from '../support/test-gateway';

/** Seed 000 §3: Filter-Off reuses its family's SKUs; the ledger keeps the Filter-Off name. */
describe('Filter-Off is billed at its family price', () => {
  let gw: TestGateway;
  let t: { id: string; token: string };
  beforeAll(async () => {
    gw = await startGateway();
    t = await gw.newTenant({ entitlements: { models: ['dreamina-seedance-2-0-filter-off', 'dreamina-seedance-2-0-fast-filter-off'] } });
    await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-filter-off', { upstream_model: 'ep-std-filteroff' });
    await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-fast-filter-off', { upstream_model: 'ep-fast-filteroff' });
  });
  afterAll(async () => gw?.close());

  it.each([
    ['dreamina-seedance-2-0-filter-off', '1080p', 'dreamina-seedance-2-0-1080p-novideo', '7.7'],
    ['dreamina-seedance-2-0-filter-off', '720p', 'dreamina-seedance-2-0-720p-novideo', '7.0'],
    ['dreamina-seedance-2-0-fast-filter-off', '720p', 'dreamina-seedance-2-0-fast-novideo', '5.6'],
  ])('%s at %s → %s ($%s/M), recorded under the Filter-Off name', async (model, resolution, sku, usd) => {
    const task = await createAndFinish(gw, t.token, { model, content: [{ type: 'text', text: 'studio shot' }], resolution, duration: 4 });
    expect(task.model).toBe(model);
    const entry = (await ledger(gw, t.id)).find((e) => e.taskId === task.id)!;
    expect(entry).toMatchObject({ model, sku });
    expect(nanoToUsd(entry.amountNano)).toBe(expectedUsd(task.usage.completion_tokens, usd));
    const byModel = await gw.call('GET', '/billing/usage?group_by=model', { token: t.token });
    expect(byModel.body.items.map((i: { key: string }) => i.key)).toContain(model);
  });
});
