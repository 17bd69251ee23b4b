import { startGateway, type TestGateway } from './support/test-gateway';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('admin API (docs/contract.md §6)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => gw?.close());

  describe('tenants', () => {
    it('POST /admin/tenants returns the tenant object with defaults', async () => {
      const res = await gw.admin('POST', '/admin/tenants', { name: 'acme' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name: 'acme',
        status: 'active',
        entitlements: {
          video_generation: true,
          asset_library: true,
          models: ['dreamina-seedance-2-0', 'dreamina-seedance-2-0-fast', 'dreamina-seedance-2-0-mini'],
        },
        media_policy: 'asset_only',
        rate_limit_per_minute: 600,
        spend_limit_usd: null,
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      });
    });

    it('GET list and one; PATCH any field; unknown id → 404', async () => {
      const created = await gw.admin('POST', '/admin/tenants', {
        name: 'globex',
        media_policy: 'any',
        rate_limit_per_minute: 100,
        entitlements: { asset_library: false },
      });
      expect(created.body).toMatchObject({ media_policy: 'any', rate_limit_per_minute: 100, entitlements: { asset_library: false, video_generation: true } });
      const list = await gw.admin('GET', '/admin/tenants');
      expect(list.body.map((t: { id: string }) => t.id)).toContain(created.body.id);
      const patched = await gw.admin('PATCH', `/admin/tenants/${created.body.id}`, {
        status: 'suspended',
        entitlements: { models: ['dreamina-seedance-2-0-filter-off'] },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ status: 'suspended', entitlements: { models: ['dreamina-seedance-2-0-filter-off'], asset_library: false } });
      expect((await gw.admin('GET', `/admin/tenants/${created.body.id}`)).body.status).toBe('suspended');
      const missing = await gw.admin('GET', '/admin/tenants/00000000-0000-0000-0000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('not_found');
    });

    it.each([
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x', media_policy: 'urls' }, 'media_policy'],
      [{ name: 'x', rate_limit_per_minute: 0 }, 'rate_limit_per_minute'],
      [{ name: 'x', entitlements: { models: ['seedance-2-0'] } }, 'entitlements.models'],
      [{ name: 'x', entitlements: { video_generation: 'yes' } }, 'entitlements.video_generation'],
      [{ name: 'x', colour: 'blue' }, 'colour'],
    ])('bad tenant body %p → 400 naming %s, nothing created', async (input, param) => {
      const before = (await gw.admin('GET', '/admin/tenants')).body.length;
      const res = await gw.admin('POST', '/admin/tenants', input);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', param });
      expect((await gw.admin('GET', '/admin/tenants')).body.length).toBe(before);
    });

    it('PATCH with a bad status → 400', async () => {
      const t = await gw.newTenant();
      const res = await gw.admin('PATCH', `/admin/tenants/${t.id}`, { status: 'closed' });
      expect(res.status).toBe(400);
      expect(res.body.error.param).toBe('status');
    });
  });

  describe('tokens', () => {
    it('POST /admin/tenants/{id}/tokens → {id, token} shown once', async () => {
      const t = await gw.newTenant();
      const res = await gw.admin('POST', `/admin/tenants/${t.id}/tokens`, { name: 'ci' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: expect.any(String), token: expect.stringMatching(/^oh-/), role: 'tenant', tenant_id: t.id });
      const listed = await gw.admin('GET', `/admin/tenants/${t.id}/tokens`);
      expect(listed.body.find((x: { id: string }) => x.id === res.body.id)).toMatchObject({ name: 'ci', prefix: res.body.token.slice(0, 7) });
      expect(JSON.stringify(listed.body)).not.toContain(res.body.token);
    });

    it('tokens for an unknown tenant → 404', async () => {
      const res = await gw.admin('POST', '/admin/tenants/nope/tokens', { name: 'x' });
      expect(res.status).toBe(404);
    });

    it('POST /admin/tokens issues admin and auditor tokens; a new admin token works', async () => {
      const admin = await gw.admin('POST', '/admin/tokens', { name: 'second-admin', role: 'admin' });
      expect(admin.status).toBe(201);
      expect(admin.body).toMatchObject({ role: 'admin', tenant_id: null });
      expect((await gw.call('GET', '/admin/tenants', { token: admin.body.token })).status).toBe(200);
      const bad = await gw.admin('POST', '/admin/tokens', { name: 'x', role: 'tenant' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.param).toBe('role');
    });

    it('DELETE /admin/tokens/{id} revokes; unknown id → 404', async () => {
      const admin = await gw.admin('POST', '/admin/tokens', { name: 'temp', role: 'admin' });
      expect((await gw.admin('DELETE', `/admin/tokens/${admin.body.id}`)).status).toBe(200);
      expect((await gw.call('GET', '/admin/tenants', { token: admin.body.token })).status).toBe(401);
      expect((await gw.admin('DELETE', '/admin/tokens/nope')).status).toBe(404);
    });
  });

  describe('model mappings (docs/contract.md §2)', () => {
    afterEach(async () => {
      for (const m of ['dreamina-seedance-2-0', 'dreamina-seedance-2-0-fast', 'dreamina-seedance-2-0-filter-off', 'dreamina-seedance-2-0-fast-filter-off']) {
        await gw.admin('DELETE', `/admin/model-mappings/${m}`);
      }
    });

    it('GET lists every model with what a create sends', async () => {
      const res = await gw.admin('GET', '/admin/model-mappings');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ model: 'dreamina-seedance-2-0', upstream_model: 'dreamina-seedance-2-0-260128', pinned: false }),
          expect.objectContaining({ model: 'dreamina-seedance-2-0-mini', upstream_model: 'dreamina-seedance-2-0-mini-260615' }),
          expect.objectContaining({ model: 'dreamina-seedance-2-0-filter-off', upstream_model: null, filter_off: true }),
        ]),
      );
      expect(res.body).toHaveLength(5);
    });

    it('pinning a normal model to an exact version works, and DELETE reverts it', async () => {
      const put = await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0', { upstream_model: 'dreamina-seedance-2-0-260128' });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ model: 'dreamina-seedance-2-0', upstream_model: 'dreamina-seedance-2-0-260128', pinned: true });
      const ep = await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-fast', { upstream_model: 'ep-20260611-fast' });
      expect(ep.body.upstream_model).toBe('ep-20260611-fast');
      const del = await gw.admin('DELETE', '/admin/model-mappings/dreamina-seedance-2-0-fast');
      expect(del.body).toMatchObject({ upstream_model: 'dreamina-seedance-2-0-fast-260128', pinned: false });
    });

    it('writes the time of a mapping change as ISO-8601 UTC, and null for a model never mapped', async () => {
      const before = Date.now();
      const put = await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-fast', { upstream_model: 'ep-20260611-iso' });
      expect(put.body.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.parse(put.body.updated_at)).toBeGreaterThanOrEqual(before - 1000);
      const del = await gw.admin('DELETE', '/admin/model-mappings/dreamina-seedance-2-0-fast');
      expect(del.body.updated_at).toBeNull();
    });

    it.each(['dreamina-seedance-2-0-260128', 'dreamina-seedance-2-0-fast-260128', 'dreamina-seedance-2-0-mini-260615'])(
      'a Filter-Off model mapped to the normal model id %s is refused upfront',
      async (normal) => {
        const res = await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-filter-off', { upstream_model: normal });
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'invalid_request', param: 'upstream_model' });
        expect(
          (await gw.admin('GET', '/admin/model-mappings')).body.find((m: { model: string }) => m.model === 'dreamina-seedance-2-0-filter-off').upstream_model,
        ).toBeNull();
      },
    );

    it('a Filter-Off model mapped to a normal model’s current pin is refused', async () => {
      await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0', { upstream_model: 'ep-normal-std' });
      const res = await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-fast-filter-off', { upstream_model: 'ep-normal-std' });
      expect(res.status).toBe(400);
    });

    it('a Filter-Off model mapped to an exact Filter-Off version works', async () => {
      const res = await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-filter-off', { upstream_model: 'ep-20260611-filteroff' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ upstream_model: 'ep-20260611-filteroff', filter_off: true, pinned: true });
    });

    it.each([
      ['an unknown model', '/admin/model-mappings/seedance-2-0', { upstream_model: 'x' }, 404],
      ['an empty upstream id', '/admin/model-mappings/dreamina-seedance-2-0', { upstream_model: '' }, 400],
      ['a malformed upstream id', '/admin/model-mappings/dreamina-seedance-2-0', { upstream_model: 'has spaces' }, 400],
      ['no body', '/admin/model-mappings/dreamina-seedance-2-0', {}, 400],
    ])('%s → %i', async (_, path, b, status) => {
      expect((await gw.admin('PUT', path, b)).status).toBe(status);
    });
  });

  describe('prices', () => {
    it('writes effective_from as ISO-8601 UTC for a new price, and null for a seed price', async () => {
      const seed = await gw.admin('GET', '/admin/prices');
      expect(seed.body.find((p: { sku: string }) => p.sku === 'dreamina-seedance-2-0-mini-video').effective_from).toBeNull();
      const before = Date.now();
      const put = await gw.admin('PUT', '/admin/prices/dreamina-seedance-2-0-mini-video', { usd_per_million_tokens: '2.10' });
      expect(put.status).toBe(200);
      expect(put.body.effective_from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.parse(put.body.effective_from)).toBeGreaterThanOrEqual(before - 1000);
      const after = await gw.admin('GET', '/admin/prices');
      expect(after.body.find((p: { sku: string }) => p.sku === 'dreamina-seedance-2-0-mini-video').effective_from).toBe(put.body.effective_from);
    });
  });
});
