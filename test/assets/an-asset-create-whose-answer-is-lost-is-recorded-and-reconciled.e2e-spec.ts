/**
 * docs/contract.md §9 applied to the asset library: a CreateAssetGroup / CreateAsset whose answer is lost after upstream
 * handled it (5xx, reset, hang past ARK_TIMEOUT_MS) is recorded and reconciled against upstream listings —
 * inline within ARKGATE_RECONCILE_INLINE_MS, or by the background reconciler — so the object ends visible to its
 * tenant only and no upstream object is left orphaned. A definite refusal leaves nothing recorded.
 */
import { DataSource } from 'typeorm';
import { startGateway, type TestGateway, eventually } from '../support/test-gateway';

const action = (name: string) => `/volcark/?Action=${name}&Version=2024-01-01`;
const URL_OK = 'https://media.example.com/product.png';

/** Every upstream group and asset is owned by a record of the gateway: nothing orphaned. */
async function expectNoUpstreamOrphans(gw: TestGateway): Promise<void> {
  const ds = gw.app.get(DataSource);
  const ownedGroups = new Set((await ds.query('SELECT id FROM asset_groups')).map((r: { id: string }) => r.id));
  const ownedAssets = new Set((await ds.query('SELECT id FROM assets')).map((r: { id: string }) => r.id));
  expect(
    gw.sandbox.control
      .assetGroups()
      .map((g) => g.id)
      .filter((id) => !ownedGroups.has(id)),
  ).toEqual([]);
  expect(
    gw.sandbox.control
      .assets()
      .map((a) => a.id)
      .filter((id) => !ownedAssets.has(id)),
  ).toEqual([]);
}

describe(`an asset create whose answer is lost (${process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'})`, () => {
  describe('resolved inline by the request', () => {
    let gw: TestGateway;
    let a: { token: string };
    let b: { token: string };
    const call = (name: string, body: unknown, token = a.token) => gw.call('POST', action(name), { token, body });
    beforeAll(async () => {
      gw = await startGateway({ env: { ARKGATE_RECONCILE_INLINE_MS: '4000', ARKGATE_RECONCILE_ENABLED: 'false' } });
      a = await gw.newTenant();
      b = await gw.newTenant();
    });
    afterAll(async () => gw?.close());
    afterEach(() => gw.sandbox.control.clearFaults());

    it('CreateAssetGroup answered 500 after upstream made the group → 200 with that group, the tenant’s only, no orphan', async () => {
      gw.sandbox.control.addFault({ op: 'CreateAssetGroup', kind: 'status', status: 500, afterHandling: true });
      const res = await call('CreateAssetGroup', { Name: 'lost-500', Description: 'answer lost' });
      expect(res.status).toBe(200);
      const upstream = gw.sandbox.control.assetGroups().filter((g) => g.name === 'lost-500');
      expect(upstream).toHaveLength(1);
      expect(res.body.Result).toEqual({ Id: upstream[0].id });
      expect((await call('GetAssetGroup', { Id: upstream[0].id })).body.Result).toMatchObject({ Id: upstream[0].id, Name: 'lost-500' });
      expect((await call('GetAssetGroup', { Id: upstream[0].id }, b.token)).status).toBe(404);
      await expectNoUpstreamOrphans(gw);
    });

    it('CreateAsset whose connection is reset after upstream made the asset → 200 with that asset, listed for its tenant only', async () => {
      const group = (await call('CreateAssetGroup', { Name: 'refs' })).body.Result.Id;
      gw.sandbox.control.addFault({ op: 'CreateAsset', kind: 'reset', afterHandling: true });
      const res = await call('CreateAsset', { GroupId: group, URL: URL_OK, AssetType: 'Image', Name: 'reset-after' });
      expect(res.status).toBe(200);
      const upstream = gw.sandbox.control.assets().filter((x) => x.name === 'reset-after');
      expect(upstream).toHaveLength(1);
      expect(res.body.Result).toEqual({ Id: upstream[0].id });
      expect((await call('ListAssets', { Filter: { GroupIds: [group] } })).body.Result.Items.map((x: { Id: string }) => x.Id)).toEqual([upstream[0].id]);
      expect((await call('ListAssets', {}, b.token)).body.Result.Items).toEqual([]);
      expect((await call('GetAsset', { Id: upstream[0].id }, b.token)).status).toBe(404);
      await expectNoUpstreamOrphans(gw);
    });

    it('a CreateAsset upstream refuses (4xx) is answered as before and leaves nothing recorded', async () => {
      const group = (await call('CreateAssetGroup', { Name: 'refused' })).body.Result.Id;
      const before = await gw.app.get(DataSource).query('SELECT COUNT(*) AS n FROM asset_submissions');
      gw.sandbox.control.addFault({
        op: 'CreateAsset',
        kind: 'status',
        status: 400,
        body: { ResponseMetadata: { Error: { Code: 'InvalidParameter', Message: 'no' } } },
      });
      const res = await call('CreateAsset', { GroupId: group, URL: URL_OK, AssetType: 'Image', Name: 'refused' });
      expect(res.status).toBe(400);
      expect(await gw.app.get(DataSource).query('SELECT COUNT(*) AS n FROM asset_submissions')).toEqual(before);
      expect((await call('ListAssets', { Filter: { GroupIds: [group] } })).body.Result.Items).toEqual([]);
    });
  });

  describe('resolved by the background reconciler', () => {
    let gw: TestGateway;
    let a: { token: string };
    let b: { token: string };
    const call = (name: string, body: unknown, token = a.token) => gw.call('POST', action(name), { token, body });
    beforeAll(async () => {
      gw = await startGateway({ env: { ARKGATE_RECONCILE_INLINE_MS: '0', ARKGATE_RECONCILE_INTERVAL_MS: '100' } });
      a = await gw.newTenant();
      b = await gw.newTenant();
    });
    afterAll(async () => gw?.close());

    it('CreateAsset that hangs past the timeout after upstream made it → 502 saying it is being resolved, then attached to its tenant (audited), not another’s', async () => {
      const group = (await call('CreateAssetGroup', { Name: 'bg' })).body.Result.Id;
      gw.sandbox.control.addFault({ op: 'CreateAsset', kind: 'hang', afterHandling: true });
      const res = await call('CreateAsset', { GroupId: group, URL: URL_OK, AssetType: 'Image', Name: 'hung' });
      expect(res.status).toBe(502);
      expect(res.body.ResponseMetadata.Error.Message).toMatch(/being resolved/);
      // Not the tenant's until attached.
      expect((await call('ListAssets', { Filter: { GroupIds: [group] } })).body.Result.Items).toEqual([]);

      const upstream = gw.sandbox.control.assets().filter((x) => x.name === 'hung');
      expect(upstream).toHaveLength(1);
      const listed = await eventually(
        async () => (await call('ListAssets', { Filter: { GroupIds: [group] } })).body.Result.Items,
        (items: Array<{ Id: string }>) => items.length > 0,
      );
      expect(listed.map((x: { Id: string }) => x.Id)).toEqual([upstream[0].id]);
      expect((await call('GetAsset', { Id: upstream[0].id }, b.token)).status).toBe(404);
      const events = await gw.admin('GET', '/audit/events?action=asset.recovered');
      expect(events.body.items).toEqual([expect.objectContaining({ target_id: upstream[0].id, properties: expect.objectContaining({ kind: 'asset' }) })]);
      await expectNoUpstreamOrphans(gw);
    });
  });

  describe('left unresolved for the operator', () => {
    let gw: TestGateway;
    let a: { id: string; token: string };
    const call = (name: string, body: unknown, token = a.token) => gw.call('POST', action(name), { token, body });
    beforeAll(async () => {
      gw = await startGateway({ env: { ARKGATE_RECONCILE_INLINE_MS: '0', ARKGATE_RECONCILE_INTERVAL_MS: '100', ARKGATE_RECONCILE_DEADLINE_S: '2' } });
      a = await gw.newTenant();
    });
    afterAll(async () => gw?.close());

    it('a CreateAsset whose answer is lost and whose listing keeps failing shows in GET /admin/reconciliation, signed URL redacted; a tenant token cannot read the view', async () => {
      const group = (await call('CreateAssetGroup', { Name: 'operator' })).body.Result.Id;
      gw.sandbox.control.addFault({ op: 'ListAssets', kind: 'status', status: 500, times: Infinity });
      gw.sandbox.control.addFault({ op: 'CreateAsset', kind: 'reset', afterHandling: true });
      const signed = `${URL_OK}?X-Amz-Signature=s3cr3tsig&v=1`;
      expect((await call('CreateAsset', { GroupId: group, URL: signed, AssetType: 'Image', Name: 'lost-for-good' })).status).toBe(502);

      const view = await eventually(
        async () => (await gw.admin('GET', '/admin/reconciliation')).body,
        (body: { asset_submissions: Array<{ status: string; created_at: string }> }) => body.asset_submissions.some((s) => s.status === 'unresolved'),
        8000,
      );
      gw.sandbox.control.clearFaults();
      expect(view.asset_submissions).toEqual([
        expect.objectContaining({
          tenant_id: a.id,
          kind: 'asset',
          status: 'unresolved',
          reason: expect.stringMatching(/listing failed/),
          sent: expect.objectContaining({ GroupId: group, Name: 'lost-for-good', AssetType: 'Image', URL: `${URL_OK}?X-Amz-Signature=[REDACTED]&v=1` }),
        }),
      ]);
      expect(JSON.stringify(view)).not.toContain('s3cr3tsig');
      expect(Date.parse(view.asset_submissions[0].created_at)).toBeGreaterThan(Date.now() - 60_000);

      const asTenant = await gw.call('GET', '/admin/reconciliation', { token: a.token });
      expect(asTenant.status).toBe(403);
      expect(JSON.stringify(asTenant.body)).not.toContain('lost-for-good');
    });
  });
});
