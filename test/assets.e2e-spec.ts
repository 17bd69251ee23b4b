import { ASSET_REQUEST_EXAMPLES } from '../src/assets/dto/asset-examples';
import { CREATE_EXAMPLES } from '../src/tasks/dto/task-examples';
import { eventually, startGateway, TASKS, type TestGateway } from './support/test-gateway';
import { lastUpstreamCreate } from './support/upstream-requests';

const action = (name: string, version = '2024-01-01') => `/volcark/?Action=${name}&Version=${version}`;

describe.each(['phanedge', 'kapon'] as const)('asset library (%s profile)', (profile) => {
  let gw: TestGateway;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  const codes =
    profile === 'phanedge'
      ? {
          asset: 'ResourceNotFound.Asset',
          group: 'ResourceNotFound.AssetGroup',
          forbidden: 'InvalidAction',
          unavailable: 'service_unavailable',
          upstream: 'service_error',
        }
      : { asset: 'asset_not_found', group: 'asset_not_found', forbidden: 'forbidden_action', unavailable: 'channel_not_available', upstream: 'upstream_error' };

  beforeAll(async () => {
    // A create whose outcome is unknown resolves inline for at most 1 s here (the default 10 s would only slow the suite).
    gw = await startGateway({ profile, env: { ARKGATE_RECONCILE_INLINE_MS: '1000' } });
    a = await gw.newTenant({ media_policy: 'asset_only' });
    b = await gw.newTenant({ media_policy: 'asset_only' });
  });
  afterAll(async () => gw?.close());
  afterEach(() => gw.sandbox.control.clearFaults());

  const call = (name: string, body: unknown, token = a.token, version?: string) => gw.call('POST', action(name, version), { token, body });
  const newGroup = async (token = a.token, extra: Record<string, unknown> = {}) => {
    const res = await call('CreateAssetGroup', { ...ASSET_REQUEST_EXAMPLES.CreateAssetGroup.value, ...extra }, token);
    expect(res.status).toBe(200);
    return res.body.Result.Id as string;
  };
  const newAsset = async (groupId: string, extra: Record<string, unknown> = {}, token = a.token) => {
    const res = await call(
      'CreateAsset',
      { ...ASSET_REQUEST_EXAMPLES.CreateAsset.value, GroupId: groupId, URL: 'https://media.example.com/product.png', ...extra },
      token,
    );
    expect(res.status).toBe(200);
    return res.body.Result.Id as string;
  };
  const getAsset = (id: string, token = a.token) => call('GetAsset', { model: 'dreamina-seedance-2-0-fast', Id: id }, token);
  const untilActive = (id: string, token = a.token) =>
    eventually(
      () => getAsset(id, token),
      (r) => r.body?.Result?.Status === 'Active',
    );
  const expectError = (res: { status: number; body: any }, status: number, code: string, actionName?: string) => {
    expect({ status: res.status, code: res.body?.ResponseMetadata?.Error?.Code }).toEqual({ status, code });
    expect(res.body.ResponseMetadata).toMatchObject({ RequestId: expect.any(String), Service: 'ark', Region: 'ap-southeast-1', Version: expect.any(String) });
    if (actionName) expect(res.body.ResponseMetadata.Action).toBe(actionName);
    expect(typeof res.body.ResponseMetadata.Error.Message).toBe('string');
    expect(res.body.Result).toBeUndefined();
  };

  describe('the documented workflow: group → asset → Active → task with asset:// → succeeded', () => {
    it('runs end to end', async () => {
      const group = await call('CreateAssetGroup', ASSET_REQUEST_EXAMPLES.CreateAssetGroup.value);
      expect(group.status).toBe(200);
      expect(group.body).toEqual({
        ResponseMetadata: { RequestId: expect.any(String), Action: 'CreateAssetGroup', Version: '2024-01-01', Service: 'ark', Region: 'ap-southeast-1' },
        Result: { Id: expect.stringMatching(/^group-\d{14}-[a-z0-9]{5}$/) },
      });
      const groupId = group.body.Result.Id;

      const created = await call('CreateAsset', {
        ...ASSET_REQUEST_EXAMPLES.CreateAsset.value,
        GroupId: groupId,
        URL: 'https://media.example.com/product.png',
      });
      expect(created.status).toBe(200);
      expect(created.body.Result).toEqual({ Id: expect.stringMatching(/^asset-\d{14}-[a-z0-9]{5}$/) });
      const assetId = created.body.Result.Id;

      const first = await getAsset(assetId);
      expect(first.status).toBe(200);
      expect(['Pending', 'Processing']).toContain(first.body.Result.Status);
      const active = await untilActive(assetId);
      expect(active.body.Result).toMatchObject({
        Id: assetId,
        GroupId: groupId,
        AssetType: 'Image',
        Status: 'Active',
        Name: 'product-front.png',
        URL: expect.any(String),
        model: 'dreamina-seedance-2-0-fast',
      });
      expect(active.body.Result.ProjectName).toBeUndefined();

      for (const body of [
        { ...ASSET_REQUEST_EXAMPLES.ListAssets.value, Filter: { GroupType: 'AIGC', GroupIds: [groupId] } },
        { ...ASSET_REQUEST_EXAMPLES.ListAssetsSingleGroup.value, GroupId: groupId, Filter: { GroupType: 'AIGC', GroupId: groupId } },
        { GroupId: groupId },
      ]) {
        const listed = await call('ListAssets', body);
        expect(listed.status).toBe(200);
        expect(listed.body.Result).toMatchObject({
          TotalCount: 1,
          PageNumber: 1,
          Items: [{ Id: assetId, GroupId: groupId, AssetType: 'Image', Status: 'Active' }],
        });
      }

      const task = await gw.call('POST', TASKS, {
        token: a.token,
        body: {
          ...CREATE_EXAMPLES.assetImage.value,
          content: [CREATE_EXAMPLES.assetImage.value.content[0], { type: 'image_url', role: 'reference_image', image_url: { url: `Asset://${assetId}` } }],
        },
      });
      expect(task.status).toBe(200);
      expect(lastUpstreamCreate(gw.sandbox)?.content[1].image_url.url).toBe(`asset://${assetId}`);
      const done = await eventually(
        () => gw.call('GET', `${TASKS}/${task.body.id}`, { token: a.token }),
        (r) => r.body.status === 'succeeded',
      );
      expect(done.body.model).toBe('dreamina-seedance-2-0-fast');
    });

    it('video edit with a video asset and an image asset succeeds', async () => {
      const groupId = await newGroup();
      const video = await newAsset(groupId, { AssetType: 'Video', URL: 'https://media.example.com/in.mp4', Name: 'in.mp4' });
      const image = await newAsset(groupId);
      await untilActive(video);
      await untilActive(image);
      const body = CREATE_EXAMPLES.videoEdit.value;
      const res = await gw.call('POST', TASKS, {
        token: a.token,
        body: {
          ...body,
          content: [
            body.content[0],
            { ...body.content[1], video_url: { url: `asset://${video}` } },
            { ...body.content[2], image_url: { url: `asset://${image}` } },
          ],
        },
      });
      expect(res.status).toBe(200);
    });
  });

  describe('tasks refuse assets that are not usable', () => {
    it('an asset still processing → 400 naming the asset and its status', async () => {
      const groupId = await newGroup();
      const id = await newAsset(groupId);
      gw.sandbox.control.holdAsset(id, 'Processing');
      const res = await gw.call('POST', TASKS, {
        token: a.token,
        body: {
          ...CREATE_EXAMPLES.assetImage.value,
          content: [CREATE_EXAMPLES.assetImage.value.content[0], { type: 'image_url', role: 'reference_image', image_url: { url: `asset://${id}` } }],
        },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', param: 'content[1].image_url.url' });
      expect(res.body.error.message).toContain(id);
      expect(res.body.error.message).toMatch(/Processing|Pending/);
      gw.sandbox.control.releaseAsset(id);
    });

    it('an image asset used as a video → 400', async () => {
      const groupId = await newGroup();
      const id = await newAsset(groupId);
      await untilActive(id);
      const res = await gw.call('POST', TASKS, {
        token: a.token,
        body: {
          ...CREATE_EXAMPLES.videoExtend.value,
          content: [CREATE_EXAMPLES.videoExtend.value.content[0], { type: 'video_url', role: 'reference_video', video_url: { url: `asset://${id}` } }],
        },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('Image');
    });

    it('a failed asset → 400; its failure reason shows in GetAsset and ListAssets, not in CreateAsset', async () => {
      const groupId = await newGroup();
      const created = await call('CreateAsset', { GroupId: groupId, URL: 'https://gone.example.com/missing.png', AssetType: 'Image' });
      expect(created.body.Result).toEqual({ Id: expect.any(String) });
      const id = created.body.Result.Id;
      const failed = await eventually(
        () => getAsset(id),
        (r) => r.body.Result?.Status === 'Failed',
      );
      expect(failed.body.Result.Error).toEqual({ Code: expect.any(String), Message: expect.any(String) });
      const listed = await call('ListAssets', { Filter: { GroupIds: [groupId], Statuses: ['Failed'] } });
      expect(listed.body.Result.Items.map((i: { Id: string }) => i.Id)).toEqual([id]);
      const res = await gw.call('POST', TASKS, {
        token: a.token,
        body: {
          ...CREATE_EXAMPLES.assetImage.value,
          content: [CREATE_EXAMPLES.assetImage.value.content[0], { type: 'image_url', role: 'reference_image', image_url: { url: `asset://${id}` } }],
        },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('Failed');
    });
  });

  describe('request forms (docs/contract.md §4)', () => {
    it.each(['URL', 'Url', 'url'])('CreateAsset accepts the URL field as %s', async (field) => {
      const groupId = await newGroup();
      const res = await call('CreateAsset', { GroupId: groupId, [field]: 'https://media.example.com/a.png', AssetType: 'Image' });
      expect(res.status).toBe(200);
      const sent = gw.sandbox.control
        .requests()
        .filter((r) => r.op === 'CreateAsset')
        .pop();
      expect((sent?.body as Record<string, unknown>).URL).toBe('https://media.example.com/a.png');
    });

    it('GroupType is filled in as AIGC; ProjectName is always the platform’s', async () => {
      const res = await call('CreateAssetGroup', { Name: 'no-type', ProjectName: 'someone-elses' });
      expect(res.status).toBe(200);
      const sent = gw.sandbox.control
        .requests()
        .filter((r) => r.op === 'CreateAssetGroup')
        .pop();
      expect(sent?.body).toMatchObject({ Name: 'no-type', GroupType: 'AIGC', ProjectName: 'default' });
      const got = await call('GetAssetGroup', { Id: res.body.Result.Id });
      expect(got.body.Result).toMatchObject({
        Id: res.body.Result.Id,
        Name: 'no-type',
        GroupType: 'AIGC',
        CreateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
    });

    it('a just-created asset that upstream does not show yet is answered from arkgate’s record', async () => {
      const groupId = await newGroup();
      gw.sandbox.control.setAssetClock({ invisibleMs: 5000 });
      try {
        const id = await newAsset(groupId);
        const res = await getAsset(id);
        expect(res.status).toBe(200);
        expect(res.body.Result).toMatchObject({ Id: id, Status: 'Processing', URL: 'https://media.example.com/product.png' });
      } finally {
        gw.sandbox.control.setAssetClock({ invisibleMs: 150 });
      }
    });

    it('an alias model is normalised in responses; an unknown one is refused', async () => {
      const id = await newGroup(a.token, { model: 'dreamina-seedance-2-0-fast-260128' });
      expect((await call('GetAssetGroup', { Id: id })).body.Result.model).toBe('dreamina-seedance-2-0-fast');
      expectError(await call('CreateAssetGroup', { model: 'seedance-2-0-fast', Name: 'x' }), 400, 'invalid_request', 'CreateAssetGroup');
    });

    it('ListAssetGroups filters by name and pages', async () => {
      const t = await gw.newTenant();
      for (const n of ['alpha-1', 'alpha-2', 'beta-1']) await call('CreateAssetGroup', { Name: n }, t.token);
      const res = await call('ListAssetGroups', { Filter: { Name: 'ALPHA' }, PageNumber: 1, PageSize: 1 }, t.token);
      expect(res.body.Result).toMatchObject({ TotalCount: 2, PageNumber: 1, PageSize: 1 });
      expect(res.body.Result.Items).toHaveLength(1);
      const all = await call('ListAssetGroups', {}, t.token);
      expect(all.body.Result).toMatchObject({ TotalCount: 3, PageSize: 10 });
    });

    it('ListAssets filters by Name and Statuses', async () => {
      const t = await gw.newTenant();
      const groupId = await newGroup(t.token);
      const x = await newAsset(groupId, { Name: 'Hero-Shot.png' }, t.token);
      await newAsset(groupId, { Name: 'other.png' }, t.token);
      await untilActive(x, t.token);
      const byName = await call('ListAssets', { Filter: { Name: 'hero' } }, t.token);
      expect(byName.body.Result.Items.map((i: { Id: string }) => i.Id)).toEqual([x]);
    });
  });

  describe('error rows (docs/contract.md §5)', () => {
    it.each(['UpdateAsset', 'UpdateAssetGroup', 'DeleteAsset', 'DeleteAssetGroup'])('%s → 403 in the profile code', async (name) => {
      expectError(await call(name, { Id: 'asset-1' }), 403, codes.forbidden, name);
    });

    it('Moderation.Strategy=Skip → 400 moderation_skip_not_allowed, nothing sent upstream', async () => {
      const groupId = await newGroup();
      gw.sandbox.control.clearRequests();
      expectError(
        await call('CreateAsset', { GroupId: groupId, URL: 'https://media.example.com/a.png', AssetType: 'Image', Moderation: { Strategy: 'Skip' } }),
        400,
        'moderation_skip_not_allowed',
        'CreateAsset',
      );
      expect(gw.sandbox.control.requests().filter((r) => r.op === 'CreateAsset')).toHaveLength(0);
    });

    it('GetAsset of a missing asset → 404 in the profile code', async () => {
      expectError(await getAsset('asset-20260611210100-nopes'), 404, codes.asset, 'GetAsset');
    });

    it('GetAssetGroup of a missing group, and CreateAsset into one → 404 in the profile code', async () => {
      expectError(await call('GetAssetGroup', { Id: 'group-20260611210000-nopes' }), 404, codes.group, 'GetAssetGroup');
      expectError(
        await call('CreateAsset', { GroupId: 'group-20260611210000-nopes', URL: 'https://media.example.com/a.png', AssetType: 'Image' }),
        404,
        codes.group,
        'CreateAsset',
      );
    });

    it.each([
      ['an unknown action', action('ListEverything'), 400, 'invalid_request'],
      ['a wrong version', action('ListAssets', '2023-01-01'), 400, 'invalid_request'],
      ['no action', '/volcark/?Version=2024-01-01', 400, 'invalid_request'],
    ])('%s → %i', async (_, path, status, code) => {
      const res = await gw.call('POST', path, { token: a.token, body: {} });
      expect(res.status).toBe(status);
      expect(res.body.ResponseMetadata?.Error?.Code ?? res.body.error?.code).toBe(code);
    });

    it.each([
      ['CreateAssetGroup', { Description: 'no name' }, 'Name'],
      ['CreateAssetGroup', { Name: 'x'.repeat(65) }, 'Name'],
      ['CreateAssetGroup', { Name: 'x', GroupType: 'LivenessFace' }, 'GroupType'],
      ['CreateAsset', { URL: 'https://media.example.com/a.png', AssetType: 'Image' }, 'GroupId'],
      ['CreateAsset', { GroupId: 'g', AssetType: 'Image' }, 'URL'],
      ['CreateAsset', { GroupId: 'g', URL: 'https://media.example.com/a.png', AssetType: 'image' }, 'AssetType'],
      ['GetAsset', {}, 'Id'],
      ['ListAssets', { PageSize: 101 }, 'PageSize'],
      ['ListAssets', { Filter: { Statuses: ['Done'] } }, 'Filter.Statuses'],
    ])('%s %p → 400 invalid_request naming %s', async (name, body, param) => {
      const res = await call(name, body);
      expectError(res, 400, 'invalid_request', name);
      expect(res.body.ResponseMetadata.Error.Message).toContain(`\`${param}\``);
    });

    it.each(['http://media.example.com/a.png', 'https://10.0.0.8/a.png', 'https://localhost/a.png', 'https://internal.example.com/a.png'])(
      'CreateAsset with a URL that is not public https (%s) → 400',
      async (url) => {
        const groupId = await newGroup();
        expectError(await call('CreateAsset', { GroupId: groupId, URL: url, AssetType: 'Image' }), 400, 'invalid_request', 'CreateAsset');
      },
    );

    it('a tenant without the asset library → 503 in the profile code', async () => {
      const t = await gw.newTenant({ entitlements: { asset_library: false } });
      expectError(await call('ListAssets', {}, t.token), 503, codes.unavailable, 'ListAssets');
    });

    it('a missing token → 401 in the ResponseMetadata shape', async () => {
      const res = await gw.call('POST', action('ListAssets'), { body: {} });
      expectError(res, 401, 'unauthorized', 'ListAssets');
    });

    it('an upstream failure → 502 in the profile code', async () => {
      gw.sandbox.control.addFault({ op: 'CreateAssetGroup', kind: 'status', status: 500 });
      expectError(await call('CreateAssetGroup', { Name: 'x' }), 502, codes.upstream, 'CreateAssetGroup');
    });
  });

  describe('tenant B cannot see or use tenant A’s groups and assets', () => {
    let groupOfA: string;
    let assetOfA: string;
    beforeAll(async () => {
      groupOfA = await newGroup(a.token);
      assetOfA = await newAsset(groupOfA);
      await untilActive(assetOfA);
    });

    it('GetAsset / GetAssetGroup → 404', async () => {
      expectError(await getAsset(assetOfA, b.token), 404, codes.asset);
      expectError(await call('GetAssetGroup', { Id: groupOfA }, b.token), 404, codes.group);
    });

    it('ListAssets / ListAssetGroups leave them out, even when asked by id', async () => {
      const assets = await call('ListAssets', { Filter: { GroupIds: [groupOfA] } }, b.token);
      expect(assets.body.Result).toMatchObject({ Items: [], TotalCount: 0 });
      const groups = await call('ListAssetGroups', { Filter: { GroupIds: [groupOfA] } }, b.token);
      expect(groups.body.Result).toMatchObject({ Items: [], TotalCount: 0 });
    });

    it('CreateAsset into A’s group → 404 group code', async () => {
      expectError(await call('CreateAsset', { GroupId: groupOfA, URL: 'https://media.example.com/a.png', AssetType: 'Image' }, b.token), 404, codes.group);
    });

    it('asset://A’s asset in B’s task → 404 asset code, nothing sent upstream', async () => {
      gw.sandbox.control.clearRequests();
      const res = await gw.call('POST', TASKS, {
        token: b.token,
        body: {
          ...CREATE_EXAMPLES.assetImage.value,
          content: [CREATE_EXAMPLES.assetImage.value.content[0], { type: 'image_url', role: 'reference_image', image_url: { url: `asset://${assetOfA}` } }],
        },
      });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: codes.asset, param: 'content[1].image_url.url' });
      expect(gw.sandbox.control.requests().filter((r) => r.op === 'create')).toHaveLength(0);
    });
  });
});
