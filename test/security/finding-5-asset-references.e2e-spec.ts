import { eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';
import { lastUpstreamCreate, upstreamCreates } from '../support/upstream-requests';

/**
 * Issue 9, finding 5: another tenant's `asset://` inside `references.*` (or anywhere else in the body) reached
 * upstream. Every asset:// string in a create body must be the caller's, Active, and of the type its position
 * asks for, before anything is sent.
 */
describe.each(['phanedge', 'kapon'] as const)('finding 5: asset:// is checked wherever a reference can appear (%s)', (profile) => {
  let gw: TestGateway;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  let aImage: string;
  let aVideo: string;
  const assetCode = profile === 'phanedge' ? 'ResourceNotFound.Asset' : 'asset_not_found';
  const action = (name: string) => `/volcark/?Action=${name}&Version=2024-01-01`;

  const newActiveAsset = async (token: string, type: 'Image' | 'Video', url: string) => {
    const group = await gw.call('POST', action('CreateAssetGroup'), { token, body: { Name: 'refs' } });
    const created = await gw.call('POST', action('CreateAsset'), { token, body: { GroupId: group.body.Result.Id, URL: url, AssetType: type } });
    expect(created.status).toBe(200);
    const id = created.body.Result.Id as string;
    await eventually(
      () => gw.call('POST', action('GetAsset'), { token, body: { Id: id } }),
      (r) => r.body?.Result?.Status === 'Active',
    );
    return id;
  };

  beforeAll(async () => {
    gw = await startGateway({ profile });
    a = await gw.newTenant({ media_policy: 'asset_only' });
    b = await gw.newTenant({ media_policy: 'asset_only' });
    [aImage, aVideo] = await Promise.all([
      newActiveAsset(a.token, 'Image', 'https://media.example.com/a.png'),
      newActiveAsset(a.token, 'Video', 'https://media.example.com/a.mp4'),
    ]);
  });
  afterAll(async () => gw?.close());
  beforeEach(() => gw.sandbox.control.clearRequests());

  const body = (extra: Record<string, unknown>) => ({
    model: 'dreamina-seedance-2-0',
    content: [{ type: 'text', text: 'A boat, Image 1 as style.' }],
    duration: 5,
    ...extra,
  });
  const expectRefused = async (token: string, sent: unknown, status: number, code: string, param: string) => {
    const res = await gw.call('POST', TASKS, { token, body: sent });
    expect({ status: res.status, code: res.body?.error?.code, param: res.body?.error?.param }).toEqual({ status, code, param });
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
    return res;
  };

  it.each([
    ['references.image', () => ({ references: { image: [`asset://${aImage}`] } }), 'references.image[0]'],
    ['references.video as an object', () => ({ references: { video: [{ url: `asset://${aVideo}` }] } }), 'references.video[0].url'],
    ['Asset:// in references', () => ({ references: { image: [`Asset://${aImage}`] } }), 'references.image[0]'],
    ['an unknown kind under references', () => ({ references: { style: `asset://${aImage}` } }), 'references.style'],
    ['an unknown field at any depth', () => ({ extra: { deep: [{ ref: `ASSET://${aImage}` }] } }), 'extra.deep[0].ref'],
    [
      'a content item under a key other than its type',
      () => ({ content: [{ type: 'text', text: 'x', video_url: { url: `asset://${aVideo}` } }] }),
      'content[0].video_url.url',
    ],
  ])("another tenant's asset in %s → 404, nothing sent upstream", async (_label, extra, param) => {
    const res = await expectRefused(b.token, body(extra()), 404, assetCode, param);
    expect(res.body.error.message).toMatch(/does not exist or does not belong to this account/);
  });

  it('the owner may use its asset in references: Asset:// reaches upstream as asset://', async () => {
    const res = await gw.call('POST', TASKS, {
      token: a.token,
      body: body({ references: { image: [`Asset://${aImage}`], video: [{ url: ` asset://${aVideo} ` }] } }),
    });
    expect(res.status).toBe(200);
    expect(lastUpstreamCreate(gw.sandbox)?.references).toEqual({ image: [`asset://${aImage}`], video: [{ url: `asset://${aVideo}` }] });
  });

  it('references.<kind> must match the asset type → 400', async () => {
    const res = await expectRefused(a.token, body({ references: { video: [`asset://${aImage}`] } }), 400, 'invalid_request', 'references.video[0]');
    expect(res.body.error.message).toContain('of type Image');
  });

  it('at most 32 distinct asset references are looked up: more → 400 before any lookup or upstream call', async () => {
    const many = Array.from({ length: 33 }, (_, i) => `asset://asset-unknown-${i}`);
    const res = await expectRefused(a.token, body({ extra: many }), 400, 'invalid_request', 'extra[32]');
    expect(res.body.error.message).toContain('at most 32');
  });

  it('plain media in references is refused under asset_only, like in content', async () => {
    await expectRefused(a.token, body({ references: { image: ['https://media.example.com/a.png'] } }), 400, 'invalid_request', 'references.image[0]');
  });
});
