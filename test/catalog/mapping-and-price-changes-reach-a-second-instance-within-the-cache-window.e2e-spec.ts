import { MAPPING_CACHE_MS } from '../../src/catalog/catalog.service';
import { PRICE_CACHE_MS } from '../../src/billing/billing.service';
import { CREATE_EXAMPLES } from '../../src/tasks/dto/task-examples';
import { twoInstancesForSuite } from '../support/two-instances';
import { TASKS } from '../support/test-gateway';
import { lastUpstreamCreate } from '../support/upstream-requests';

/**
 * README: a model mapping or a price changed through one instance is used by the creates of every other instance
 * within ~2 s (the caches of CatalogService and of BillingService's estimates), and by the instance that made the
 * change at once. Two gateway processes on one database: this test process (A, where the admin changes are made) and a
 * child process (B).
 */
describe('mapping and price changes reach a second instance within the cache window', () => {
  const two = twoInstancesForSuite();

  const createOn = async (url: string, token: string, body: unknown) => {
    const res = await fetch(`${url}${TASKS}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { id?: string; error?: { code: string; message: string } } };
  };

  /** Repeats `probe` on B until `done`; returns how long after `since` that first held. */
  async function untilB<T>(probe: () => Promise<T>, done: (v: T) => boolean, since: number, windowMs: number): Promise<number> {
    for (;;) {
      const v = await probe();
      if (done(v)) return Date.now() - since;
      if (Date.now() - since > windowMs + 10_000) throw new Error(`B still answers ${JSON.stringify(v)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('a Filter-Off mapping: A sends the new version at once; B within the window, then never the old one', async () => {
    const model = 'dreamina-seedance-2-0-filter-off';
    const t = await two.a.newTenant({ media_policy: 'any', entitlements: { models: ['dreamina-seedance-2-0', model] } });
    const body = CREATE_EXAMPLES.filterOff.value;
    expect((await two.a.admin('PUT', `/admin/model-mappings/${model}`, { upstream_model: 'ep-cache-old' })).status).toBe(200);
    // B has not read the mappings yet, or reads them within the window: wait until it sends the old version (cached).
    await untilB(
      async () => ((await createOn(two.b.url, t.token, body)).status === 200 ? lastUpstreamCreate(two.sandbox)?.model : null),
      (m) => m === 'ep-cache-old',
      Date.now(),
      MAPPING_CACHE_MS,
    );

    const since = Date.now();
    expect((await two.a.admin('PUT', `/admin/model-mappings/${model}`, { upstream_model: 'ep-cache-new' })).status).toBe(200);
    expect((await createOn(two.a.url, t.token, body)).status).toBe(200);
    expect(lastUpstreamCreate(two.sandbox)?.model).toBe('ep-cache-new');
    const after = await untilB(
      async () => ((await createOn(two.b.url, t.token, body)).status === 200 ? lastUpstreamCreate(two.sandbox)?.model : null),
      (m) => m === 'ep-cache-new',
      since,
      MAPPING_CACHE_MS,
    );
    expect(after).toBeLessThanOrEqual(MAPPING_CACHE_MS + 1500);
    for (let i = 0; i < 3; i++) {
      expect((await createOn(two.b.url, t.token, body)).status).toBe(200);
      expect(lastUpstreamCreate(two.sandbox)?.model).toBe('ep-cache-new');
    }

    // Removed on A: B refuses with model_mapping_required within the window, and never sends the old version after it.
    const removed = Date.now();
    expect((await two.a.admin('DELETE', `/admin/model-mappings/${model}`)).status).toBe(200);
    expect((await createOn(two.a.url, t.token, body)).body.error?.code).toBe('model_mapping_required');
    const refusedAfter = await untilB(
      () => createOn(two.b.url, t.token, body),
      (r) => r.status === 503 && r.body.error?.code === 'model_mapping_required',
      removed,
      MAPPING_CACHE_MS,
    );
    expect(refusedAfter).toBeLessThanOrEqual(MAPPING_CACHE_MS + 1500);
    expect((await createOn(two.b.url, t.token, body)).status).toBe(503);
  });

  it("a price: the estimate of B's creates (held against the spend limit) uses it within the window", async () => {
    const sku = 'dreamina-seedance-2-0-fast-novideo';
    const body = { ...CREATE_EXAMPLES.filterOff.value, model: 'dreamina-seedance-2-0-fast', resolution: '480p' };
    // A limit no estimate fits: each create is refused with its estimate in the message.
    const t = await two.a.newTenant({ media_policy: 'any', spend_limit_usd: '0.000001' });
    const estimateOn = async (url: string) => {
      const res = await createOn(url, t.token, body);
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 403, code: 'spend_limit_exceeded' });
      return /could cost up to \$([0-9.]+)/.exec(res.body.error?.message ?? '')?.[1];
    };
    const before = await estimateOn(two.b.url);
    expect(before).toBeDefined();

    const since = Date.now();
    expect((await two.a.admin('PUT', `/admin/prices/${sku}`, { usd_per_million_tokens: '700.0' })).status).toBe(200);
    const onA = await estimateOn(two.a.url);
    expect(onA).not.toBe(before);
    const after = await untilB(
      () => estimateOn(two.b.url),
      (e) => e === onA,
      since,
      PRICE_CACHE_MS,
    );
    expect(after).toBeLessThanOrEqual(PRICE_CACHE_MS + 1500);
    expect(await estimateOn(two.b.url)).toBe(onA);
  });
});
