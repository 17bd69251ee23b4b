import { createAndFinish, expectedUsd, ledger, nanoToUsd } from '../support/billing';
import { eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';

/** Prices are versioned: a task is charged at the price in force when it was created. */
describe('a price change between submit and success keeps the submitted price', () => {
  let gw: TestGateway;
  let t: { id: string; token: string };
  const sku = 'dreamina-seedance-2-0-fast-novideo';
  const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'boat' }], resolution: '720p', ratio: '16:9', duration: 5 };
  beforeAll(async () => {
    gw = await startGateway();
    t = await gw.newTenant({ media_policy: 'any' });
  });
  afterAll(async () => gw?.close());

  it('the task in flight pays $5.6/M; a task created after the change pays the new $6.25/M', async () => {
    gw.sandbox.control.holdAll('running');
    const inFlight = await gw.call('POST', TASKS, { token: t.token, body });
    gw.sandbox.control.holdAll(null);

    const put = await gw.admin('PUT', `/admin/prices/${sku}`, { usd_per_million_tokens: '6.25' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ sku, usd_per_million_tokens: '6.25' });
    expect((await gw.admin('GET', '/admin/prices')).body.find((p: { sku: string }) => p.sku === sku).usd_per_million_tokens).toBe('6.25');

    gw.sandbox.control.release(inFlight.body.id);
    const done = await eventually(
      () => gw.call('GET', `${TASKS}/${inFlight.body.id}`, { token: t.token }),
      (r) => r.body.status === 'succeeded',
    );
    const old = (await ledger(gw, t.id)).find((e) => e.taskId === inFlight.body.id)!;
    expect(nanoToUsd(old.amountNano)).toBe(expectedUsd(done.body.usage.completion_tokens, '5.6'));

    const later = await createAndFinish(gw, t.token, body);
    const fresh = (await ledger(gw, t.id)).find((e) => e.taskId === later.id)!;
    expect(nanoToUsd(fresh.amountNano)).toBe(expectedUsd(later.usage.completion_tokens, '6.25'));
  });

  it.each([
    [{ usd_per_million_tokens: '-1' }, 400],
    [{ usd_per_million_tokens: 'cheap' }, 400],
    [{}, 400],
  ])('PUT %p → %i', async (b, status) => {
    expect((await gw.admin('PUT', `/admin/prices/${sku}`, b)).status).toBe(status);
  });

  it('an unknown SKU → 404; a tenant token cannot change prices', async () => {
    expect((await gw.admin('PUT', '/admin/prices/dreamina-seedance-9', { usd_per_million_tokens: '1' })).status).toBe(404);
    expect((await gw.call('PUT', `/admin/prices/${sku}`, { token: t.token, body: { usd_per_million_tokens: '0.01' } })).status).toBe(403);
  });
});
