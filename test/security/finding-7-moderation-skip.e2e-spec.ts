import { startGateway, type TestGateway } from '../support/test-gateway';

/**
 * Issue 9, finding 7: `Moderation.Strategy=Skip` on CreateAssetGroup was accepted (200). BytePlus refuses it on
 * any asset-library request: 400 moderation_skip_not_allowed, before any upstream call, whatever the action.
 */
describe('finding 7: Moderation.Strategy=Skip is refused on every asset action', () => {
  let gw: TestGateway;
  let t: { id: string; token: string };
  let groupId: string;
  const action = (name: string) => `/volcark/?Action=${name}&Version=2024-01-01`;
  const call = (name: string, body: unknown) => gw.call('POST', action(name), { token: t.token, body });

  beforeAll(async () => {
    gw = await startGateway();
    t = await gw.newTenant();
    groupId = (await call('CreateAssetGroup', { Name: 'g' })).body.Result.Id;
  });
  afterAll(async () => gw?.close());
  beforeEach(() => gw.sandbox.control.clearRequests());

  const expectSkipRefused = async (name: string, body: Record<string, unknown>) => {
    const res = await call(name, body);
    expect(res.status).toBe(400);
    expect(res.body.ResponseMetadata).toMatchObject({ Action: name, Error: { Code: 'moderation_skip_not_allowed', Message: expect.stringContaining('Skip') } });
    expect(res.body.Result).toBeUndefined();
    expect(gw.sandbox.control.requests()).toEqual([]);
  };

  it.each([
    ['CreateAssetGroup', () => ({ Name: 'campaign', Moderation: { Strategy: 'Skip' } })],
    ['CreateAsset', () => ({ GroupId: groupId, URL: 'https://media.example.com/a.png', AssetType: 'Image', Moderation: { Strategy: 'Skip' } })],
    ['ListAssetGroups', () => ({ Moderation: { Strategy: 'Skip' } })],
    ['ListAssets', () => ({ GroupId: groupId, Moderation: { Strategy: 'Skip' } })],
    ['GetAssetGroup', () => ({ Id: groupId, Moderation: { Strategy: 'Skip' } })],
    ['GetAsset', () => ({ Id: 'asset-1', Moderation: { Strategy: 'Skip' } })],
  ])('%s with Moderation.Strategy=Skip → 400, nothing sent upstream', async (name, body) => {
    await expectSkipRefused(name, body());
  });

  it.each([
    [{ Moderation: { Strategy: 'skip' } }],
    [{ Moderation: { Strategy: 'SKIP' } }],
    [{ moderation: { strategy: 'Skip' } }],
    [{ 'Moderation.Strategy': 'Skip' }],
  ])('CreateAssetGroup with %j → 400 (BytePlus reads keys case-insensitively)', async (extra) => {
    await expectSkipRefused('CreateAssetGroup', { Name: 'campaign', ...extra });
  });

  it('Moderation.Strategy=Default is still accepted', async () => {
    const res = await call('CreateAssetGroup', { Name: 'campaign', Moderation: { Strategy: 'Default' } });
    expect(res.status).toBe(200);
  });
});
