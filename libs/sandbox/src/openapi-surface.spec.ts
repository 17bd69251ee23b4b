import { signRequest, type SignRequestInput } from '@arkgate/byteplus';
import { startSandbox, type SandboxHandle } from './sandbox-server';

const REQUEST_ID = /^\d{14}[0-9A-F]{17}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const TASKS = '/api/v3/contents/generations/tasks';

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

interface CallOptions {
  version?: string | null;
  method?: string;
  /** Overrides of the signing input (wrong key, stale date, …). */
  sign?: Partial<SignRequestInput>;
  /** Body sent instead of JSON.stringify(body); `sign.body` decides what is signed. */
  rawBody?: string;
  /** Headers set after signing (e.g. to remove or replace Authorization). */
  headers?: Record<string, string | null>;
}

function openApi(sandbox: SandboxHandle) {
  return async (action: string, body: unknown = {}, opts: CallOptions = {}): Promise<Answer> => {
    const version = opts.version === undefined ? '2024-01-01' : opts.version;
    const query = new URLSearchParams({ Action: action });
    if (version !== null) query.set('Version', version);
    const url = `${sandbox.openApiUrl}/?${query.toString()}`;
    const payload = opts.rawBody ?? JSON.stringify(body);
    const method = opts.method ?? 'POST';
    const signed = signRequest({
      method,
      url,
      headers: { 'Content-Type': 'application/json' },
      body: method === 'GET' ? undefined : payload,
      accessKeyId: sandbox.accessKeyId,
      secretAccessKey: sandbox.secretAccessKey,
      region: 'ap-southeast-1',
      service: 'ark',
      now: Date.now(),
      ...opts.sign,
    });
    const headers: Record<string, string> = { ...signed.headers };
    for (const [name, value] of Object.entries(opts.headers ?? {})) {
      for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
      if (value !== null) headers[name] = value;
    }
    const response = await fetch(url, { method, headers, body: method === 'GET' ? undefined : payload });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
}

describe('control-plane OpenAPI (asset library) over HTTP', () => {
  let sandbox: SandboxHandle;
  let call: ReturnType<typeof openApi>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      projects: ['default', 'campaigns'],
      assetProcessingMs: 1000,
      assetInvisibleMs: 0,
      unreachableHosts: ['gone.example.com'],
    });
    call = openApi(sandbox);
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => sandbox.control.reset());

  const newGroup = async (extra: Record<string, unknown> = {}): Promise<string> => {
    const answer = await call('CreateAssetGroup', { Name: 'campaign-product-shots', ...extra });
    expect(answer.status).toBe(200);
    return answer.body.Result.Id;
  };
  const newAsset = async (groupId: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const answer = await call('CreateAsset', { GroupId: groupId, URL: 'https://example.com/product.png', AssetType: 'Image', ...extra });
    expect(answer.status).toBe(200);
    return answer.body.Result.Id;
  };
  const expectError = (answer: Answer, status: number, code: string, action?: string) => {
    expect({ status: answer.status, code: answer.body?.ResponseMetadata?.Error?.Code }).toEqual({ status, code });
    expect(answer.body).toEqual({
      ResponseMetadata: {
        RequestId: expect.stringMatching(REQUEST_ID),
        Action: action ?? expect.any(String),
        Version: expect.any(String),
        Service: 'ark',
        Region: 'ap-southeast-1',
        Error: { Code: code, Message: expect.any(String) },
      },
    });
  };

  describe('envelope and asset groups', () => {
    it('creates a group and answers with only Result.Id in the OpenAPI envelope', async () => {
      const before = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
      const answer = await call('CreateAssetGroup', { Name: 'campaign-product-shots', GroupType: 'AIGC', Description: 'Assets for product videos' });

      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual({
        ResponseMetadata: {
          RequestId: expect.stringMatching(REQUEST_ID),
          Action: 'CreateAssetGroup',
          Version: '2024-01-01',
          Service: 'ark',
          Region: 'ap-southeast-1',
        },
        Result: { Id: expect.stringMatching(/^group-\d{14}-[a-z0-9]{5}$/) },
      });
      expect(answer.body.Result.Id.slice(6, 20) >= before).toBe(true);
      expect(answer.body.ResponseMetadata.RequestId.slice(0, 14) >= before).toBe(true);
    });

    it('gets a group with every field, AIGC and an empty description by default, in the default project', async () => {
      const id = await newGroup();
      const answer = await call('GetAssetGroup', { Id: id });
      expect(answer.status).toBe(200);
      expect(answer.body.Result).toEqual({
        Id: id,
        Name: 'campaign-product-shots',
        Description: '',
        GroupType: 'AIGC',
        ProjectName: 'default',
        CreateTime: expect.stringMatching(ISO_TIME),
        UpdateTime: expect.stringMatching(ISO_TIME),
      });
      const created = Date.parse(answer.body.Result.CreateTime);
      expect(Math.abs(created - Date.now())).toBeLessThan(5000);
    });

    it.each([
      ['no Name', {}, 'MissingParameter'],
      ['a Name that is not a string', { Name: 7 }, 'InvalidParameter'],
      ['a Name of 65 characters', { Name: 'n'.repeat(65) }, 'InvalidParameter'],
      ['a Description of 301 characters', { Name: 'g', Description: 'd'.repeat(301) }, 'InvalidParameter'],
      ['an unknown GroupType', { Name: 'g', GroupType: 'Portrait' }, 'InvalidParameter'],
    ])('refuses a group with %s', async (_name, body, code) => {
      expectError(await call('CreateAssetGroup', body), 400, code, 'CreateAssetGroup');
      expect(sandbox.control.assetGroups()).toEqual([]);
    });

    it('accepts a Name of exactly 64 characters, counted as characters not bytes', async () => {
      const id = await newGroup({ Name: '素'.repeat(64) });
      expect((await call('GetAssetGroup', { Id: id })).body.Result.Name).toBe('素'.repeat(64));
    });

    it('refuses LivenessFace groups: they cannot be created through the API', async () => {
      const answer = await call('CreateAssetGroup', { Name: 'faces', GroupType: 'LivenessFace' });
      expectError(answer, 400, 'InvalidParameter');
      expect(answer.body.ResponseMetadata.Error.Message).toContain('LivenessFace');
    });

    it('answers an unknown group with 404 NotFound.AssetGroup and a missing Id with MissingParameter', async () => {
      expectError(await call('GetAssetGroup', { Id: 'group-20260101000000-nope0' }), 404, 'NotFound.AssetGroup', 'GetAssetGroup');
      expectError(await call('GetAssetGroup', {}), 400, 'MissingParameter');
    });

    it('keeps projects apart and refuses a project the account does not have', async () => {
      const inCampaigns = await newGroup({ ProjectName: 'campaigns' });
      expect((await call('GetAssetGroup', { Id: inCampaigns, ProjectName: 'campaigns' })).body.Result.ProjectName).toBe('campaigns');
      expectError(await call('GetAssetGroup', { Id: inCampaigns }), 404, 'NotFound.AssetGroup');
      expect((await call('ListAssetGroups', {})).body.Result.TotalCount).toBe(0);
      expectError(await call('CreateAssetGroup', { Name: 'g', ProjectName: 'nope' }), 404, 'NotFound.ProjectName');
      expectError(await call('ListAssets', { ProjectName: 'nope' }), 404, 'NotFound.ProjectName');
    });

    it('updates a group name and description, moving UpdateTime', async () => {
      const id = await newGroup({ Description: 'old' });
      sandbox.control.advance(2000);
      const answer = await call('UpdateAssetGroup', { Id: id, Name: 'renamed', Description: 'new' });
      expect(answer.status).toBe(200);
      expect(answer.body.Result).toEqual({});
      const group = (await call('GetAssetGroup', { Id: id })).body.Result;
      expect(group).toMatchObject({ Name: 'renamed', Description: 'new' });
      expect(Date.parse(group.UpdateTime) - Date.parse(group.CreateTime)).toBeGreaterThanOrEqual(1000);
      expectError(await call('UpdateAssetGroup', { Id: id, Name: '' }), 400, 'InvalidParameter');
      expectError(await call('UpdateAssetGroup', { Id: 'group-x' }), 404, 'NotFound.AssetGroup');
    });

    it('deletes an empty group only', async () => {
      const empty = await newGroup();
      const full = await newGroup();
      await newAsset(full);
      expect((await call('DeleteAssetGroup', { Id: empty })).body.Result).toEqual({});
      expectError(await call('GetAssetGroup', { Id: empty }), 404, 'NotFound.AssetGroup');
      expectError(await call('DeleteAssetGroup', { Id: full }), 409, 'OperationDenied.GroupNotEmpty', 'DeleteAssetGroup');
      expectError(await call('DeleteAssetGroup', { Id: empty }), 404, 'NotFound.AssetGroup');
    });

    it('counts still invisible assets when refusing to delete a group', async () => {
      sandbox.control.setAssetClock({ invisibleMs: 60_000 });
      const group = await newGroup();
      await newAsset(group);
      expectError(await call('DeleteAssetGroup', { Id: group }), 409, 'OperationDenied.GroupNotEmpty');
    });
  });

  describe('ListAssetGroups', () => {
    let ids: string[];

    beforeEach(async () => {
      ids = [];
      for (const name of ['Spring Sale', 'summer-launch', 'SPRING teaser']) {
        ids.push(await newGroup({ Name: name }));
        sandbox.control.advance(1000);
      }
    });

    it('lists newest first by default, with paging fields', async () => {
      const answer = await call('ListAssetGroups', {});
      expect(answer.body.Result).toEqual({ Items: expect.any(Array), TotalCount: 3, PageNumber: 1, PageSize: 10 });
      expect(answer.body.Result.Items.map((g: any) => g.Id)).toEqual([ids[2], ids[1], ids[0]]);
      expect(answer.body.Result.Items[0]).toEqual(expect.objectContaining({ Name: 'SPRING teaser', GroupType: 'AIGC', ProjectName: 'default' }));
    });

    it('filters by name (substring, any case), by ids and by type', async () => {
      const byName = await call('ListAssetGroups', { Filter: { Name: 'spring' } });
      expect(byName.body.Result.Items.map((g: any) => g.Id)).toEqual([ids[2], ids[0]]);
      const byIds = await call('ListAssetGroups', { Filter: { GroupIds: [ids[1], 'group-unknown'] } });
      expect(byIds.body.Result).toMatchObject({ TotalCount: 1, Items: [{ Id: ids[1] }] });
      expect((await call('ListAssetGroups', { Filter: { GroupType: 'LivenessFace' } })).body.Result.TotalCount).toBe(0);
      expect((await call('ListAssetGroups', { Filter: { GroupType: 'AIGC', GroupIds: [] } })).body.Result.TotalCount).toBe(3);
    });

    it('pages and sorts', async () => {
      const page2 = await call('ListAssetGroups', { PageNumber: 2, PageSize: 2, SortOrder: 'Asc' });
      expect(page2.body.Result).toMatchObject({ TotalCount: 3, PageNumber: 2, PageSize: 2, Items: [{ Id: ids[2] }] });
      expect((await call('ListAssetGroups', { PageNumber: 3, PageSize: 2 })).body.Result.Items).toEqual([]);
      await call('UpdateAssetGroup', { Id: ids[0], Description: 'touched' });
      const byUpdate = await call('ListAssetGroups', { SortBy: 'UpdateTime', SortOrder: 'Desc' });
      expect(byUpdate.body.Result.Items.map((g: any) => g.Id)).toEqual([ids[0], ids[2], ids[1]]);
    });

    it.each([
      [{ PageSize: 101 }],
      [{ PageSize: 0 }],
      [{ PageNumber: 0 }],
      [{ PageNumber: 1.5 }],
      [{ PageSize: '10' }],
      [{ SortBy: 'Name' }],
      [{ SortOrder: 'desc' }],
      [{ Filter: 'spring' }],
      [{ Filter: { GroupIds: 'group-1' } }],
      [{ Filter: { GroupType: 'Other' } }],
    ])('refuses %j with InvalidParameter', async (body) => {
      expectError(await call('ListAssetGroups', body), 400, 'InvalidParameter', 'ListAssetGroups');
    });

    it('accepts PageSize 100 and treats null as absent', async () => {
      const answer = await call('ListAssetGroups', { PageSize: 100, PageNumber: null, Filter: null });
      expect(answer.body.Result).toMatchObject({ TotalCount: 3, PageNumber: 1, PageSize: 100 });
    });
  });

  describe('assets', () => {
    let groupId: string;

    beforeEach(async () => {
      groupId = await newGroup();
    });

    it('creates an asset answering only Result.Id; it is Processing, then Active with a sandbox URL serving the file', async () => {
      const created = await call('CreateAsset', { GroupId: groupId, URL: 'https://example.com/product.png', AssetType: 'Image', Name: 'product-front.png' });
      expect(created.status).toBe(200);
      expect(created.body).toEqual({
        ResponseMetadata: expect.objectContaining({ Action: 'CreateAsset', Service: 'ark' }),
        Result: { Id: expect.stringMatching(/^asset-\d{14}-[a-z0-9]{5}$/) },
      });
      const id = created.body.Result.Id;

      const processing = await call('GetAsset', { Id: id });
      expect(processing.body.Result).toEqual({
        Id: id,
        Name: 'product-front.png',
        URL: 'https://example.com/product.png',
        AssetType: 'Image',
        GroupId: groupId,
        Status: 'Processing',
        ProjectName: 'default',
        CreateTime: expect.stringMatching(ISO_TIME),
        UpdateTime: expect.stringMatching(ISO_TIME),
      });

      sandbox.control.advance(1000);
      const active = (await call('GetAsset', { Id: id })).body.Result;
      expect(active).toMatchObject({ Status: 'Active', URL: `${sandbox.url}/assets/${id}?X-Tos-Expires=43200` });
      expect(active.Error).toBeUndefined();
      const file = await fetch(active.URL);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('image/png');
    });

    it('ends Failed with the reason for an unreachable host, in Get and List, never in Create', async () => {
      const created = await call('CreateAsset', { GroupId: groupId, URL: 'https://gone.example.com/missing.png', AssetType: 'Image' });
      expect(created.body.Result).toEqual({ Id: expect.any(String) });
      sandbox.control.advance(1000);
      const failed = (await call('GetAsset', { Id: created.body.Result.Id })).body.Result;
      expect(failed).toMatchObject({
        Status: 'Failed',
        URL: 'https://gone.example.com/missing.png',
        Error: { Code: 'DownloadFailed', Message: 'The resource could not be downloaded: host gone.example.com could not be reached' },
      });
      const listed = await call('ListAssets', { Filter: { Statuses: ['Failed'] } });
      expect(listed.body.Result.Items).toEqual([failed]);
      expect((await fetch(`${sandbox.url}/assets/${created.body.Result.Id}`)).status).toBe(404);
    });

    it('ends Failed for a host under .invalid and for a URL that is not http(s)', async () => {
      const invalidHost = await newAsset(groupId, { URL: 'https://cdn.example.invalid/a.png' });
      const ftp = await newAsset(groupId, { URL: 'ftp://example.com/a.png' });
      sandbox.control.advance(1000);
      expect((await call('GetAsset', { Id: invalidHost })).body.Result.Error.Code).toBe('DownloadFailed');
      expect((await call('GetAsset', { Id: ftp })).body.Result.Error.Message).toContain('unsupported scheme ftp');
    });

    it('accepts Moderation.Strategy Default or Skip and keeps it', async () => {
      const id = await newAsset(groupId, { Moderation: { Strategy: 'Skip' } });
      expect(sandbox.control.asset(id)?.moderation).toBe('Skip');
    });

    it.each([
      ['no GroupId', { URL: 'https://example.com/a.png', AssetType: 'Image' }, 400, 'MissingParameter'],
      ['no URL', { AssetType: 'Image' }, 400, 'MissingParameter'],
      ['the URL as Url', { Url: 'https://example.com/a.png', AssetType: 'Image' }, 400, 'MissingParameter'],
      ['an empty URL', { URL: ' ', AssetType: 'Image' }, 400, 'InvalidParameter'],
      ['no AssetType', { URL: 'https://example.com/a.png' }, 400, 'MissingParameter'],
      ['a lower-case AssetType', { URL: 'https://example.com/a.png', AssetType: 'image' }, 400, 'InvalidParameter'],
      ['a Name of 65 characters', { URL: 'https://example.com/a.png', AssetType: 'Image', Name: 'n'.repeat(65) }, 400, 'InvalidParameter'],
      ['an unknown Moderation.Strategy', { URL: 'https://example.com/a.png', AssetType: 'Image', Moderation: { Strategy: 'Never' } }, 400, 'InvalidParameter'],
      ['a Moderation that is not an object', { URL: 'https://example.com/a.png', AssetType: 'Image', Moderation: 'Skip' }, 400, 'InvalidParameter'],
    ])('refuses an asset with %s', async (_name, body, status, code) => {
      const withGroup = 'GroupId' in body || _name === 'no GroupId' ? body : { GroupId: groupId, ...body };
      expectError(await call('CreateAsset', withGroup), status, code, 'CreateAsset');
      expect(sandbox.control.assets()).toEqual([]);
    });

    it('refuses an asset in a group that does not exist (or is in another project)', async () => {
      expectError(
        await call('CreateAsset', { GroupId: 'group-20260101000000-nope0', URL: 'https://example.com/a.png', AssetType: 'Image' }),
        404,
        'NotFound.AssetGroup',
      );
      expectError(
        await call('CreateAsset', { GroupId: groupId, URL: 'https://example.com/a.png', AssetType: 'Image', ProjectName: 'campaigns' }),
        404,
        'NotFound.AssetGroup',
      );
    });

    it('does not show a just-created asset for the invisibility window (404, left out of lists), then does', async () => {
      sandbox.control.setAssetClock({ invisibleMs: 500 });
      const id = await newAsset(groupId);
      expectError(await call('GetAsset', { Id: id }), 404, 'NotFound.Asset', 'GetAsset');
      expect((await call('ListAssets', {})).body.Result).toMatchObject({ TotalCount: 0, Items: [] });
      expectError(await call('UpdateAsset', { Id: id, Name: 'x' }), 404, 'NotFound.Asset');
      sandbox.control.advance(500);
      expect((await call('GetAsset', { Id: id })).body.Result.Id).toBe(id);
      expect((await call('ListAssets', {})).body.Result.TotalCount).toBe(1);
    });

    it('becomes visible in real time when the window passes', async () => {
      sandbox.control.setAssetClock({ invisibleMs: 150 });
      const id = await newAsset(groupId);
      expect((await call('GetAsset', { Id: id })).status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await call('GetAsset', { Id: id })).status).toBe(200);
    });

    it('answers an unknown asset with 404 NotFound.Asset', async () => {
      expectError(await call('GetAsset', { Id: 'asset-20260101000000-nope0' }), 404, 'NotFound.Asset');
      expectError(await call('GetAsset', { Id: 42 }), 400, 'InvalidParameter');
    });

    it('updates an asset name and deletes an asset', async () => {
      const id = await newAsset(groupId, { Name: 'before' });
      sandbox.control.advance(3000);
      expect((await call('UpdateAsset', { Id: id, Name: 'after' })).body.Result).toEqual({});
      const updated = (await call('GetAsset', { Id: id })).body.Result;
      expect(updated.Name).toBe('after');
      expect(Date.parse(updated.UpdateTime) - Date.parse(updated.CreateTime)).toBeGreaterThanOrEqual(3000);
      expect((await call('DeleteAsset', { Id: id })).body.Result).toEqual({});
      expectError(await call('GetAsset', { Id: id }), 404, 'NotFound.Asset');
      expectError(await call('DeleteAsset', { Id: id }), 404, 'NotFound.Asset', 'DeleteAsset');
      expect((await call('DeleteAssetGroup', { Id: groupId })).status).toBe(200);
    });
  });

  describe('ListAssets', () => {
    let groups: string[];
    let ids: Record<string, string>;

    beforeEach(async () => {
      groups = [await newGroup({ Name: 'one' }), await newGroup({ Name: 'two' })];
      ids = {};
      ids.image = await newAsset(groups[0], { Name: 'Front Shot.png' });
      sandbox.control.advance(400);
      ids.video = await newAsset(groups[0], { Name: 'clip.mp4', AssetType: 'Video', URL: 'https://example.com/clip.mp4' });
      sandbox.control.advance(400);
      ids.audio = await newAsset(groups[1], { Name: 'voice.mp3', AssetType: 'Audio', URL: 'https://example.com/voice.mp3' });
      // image Active after its 1000 ms; video and audio held in Processing so that real time cannot move them
      sandbox.control.holdAsset(ids.video, 'Processing');
      sandbox.control.holdAsset(ids.audio, 'Processing');
      sandbox.control.advance(200);
    });

    const listIds = async (body: Record<string, unknown>) => (await call('ListAssets', body)).body.Result.Items.map((a: any) => a.Id);

    it('lists every visible asset newest first with paging fields', async () => {
      const answer = await call('ListAssets', {});
      expect(answer.body.Result).toMatchObject({ TotalCount: 3, PageNumber: 1, PageSize: 10 });
      expect(answer.body.Result.Items.map((a: any) => [a.Id, a.Status])).toEqual([
        [ids.audio, 'Processing'],
        [ids.video, 'Processing'],
        [ids.image, 'Active'],
      ]);
    });

    it('filters by group ids, group type, statuses and name', async () => {
      expect(await listIds({ Filter: { GroupIds: [groups[1]] } })).toEqual([ids.audio]);
      expect(await listIds({ Filter: { GroupType: 'AIGC', GroupIds: [groups[0]] } })).toEqual([ids.video, ids.image]);
      expect(await listIds({ Filter: { GroupType: 'LivenessFace' } })).toEqual([]);
      expect(await listIds({ Filter: { Statuses: ['Active'] } })).toEqual([ids.image]);
      expect(await listIds({ Filter: { Statuses: ['Processing', 'Failed'] } })).toEqual([ids.audio, ids.video]);
      expect(await listIds({ Filter: { Name: 'front' } })).toEqual([ids.image]);
      expect(await listIds({ Filter: { Name: 'SHOT', Statuses: ['Processing'] } })).toEqual([]);
    });

    it('pages and sorts by creation or update time', async () => {
      expect(await listIds({ SortOrder: 'Asc', PageSize: 2 })).toEqual([ids.image, ids.video]);
      expect(await listIds({ SortOrder: 'Asc', PageSize: 2, PageNumber: 2 })).toEqual([ids.audio]);
      // image went Active at +1000, the others have not changed since they were created
      expect(await listIds({ SortBy: 'UpdateTime' })).toEqual([ids.image, ids.audio, ids.video]);
    });

    it('refuses an unknown status in the filter', async () => {
      expectError(await call('ListAssets', { Filter: { Statuses: ['Done'] } }), 400, 'InvalidParameter', 'ListAssets');
      expectError(await call('ListAssets', { Filter: { Statuses: 'Active' } }), 400, 'InvalidParameter');
    });
  });

  describe('Action, Version, method and body', () => {
    it('refuses a missing or wrong Version with 400 InvalidVersion', async () => {
      expectError(await call('ListAssets', {}, { version: null }), 400, 'InvalidVersion', 'ListAssets');
      const wrong = await call('ListAssets', {}, { version: '2023-01-01' });
      expectError(wrong, 400, 'InvalidVersion');
      expect(wrong.body.ResponseMetadata.Version).toBe('2023-01-01');
    });

    it('refuses an unknown Action with 404 InvalidActionOrVersion', async () => {
      expectError(await call('CreateVisualValidateSession', {}), 404, 'InvalidActionOrVersion', 'CreateVisualValidateSession');
      expectError(await call('', {}), 404, 'InvalidActionOrVersion', '');
    });

    it('refuses methods other than POST', async () => {
      expectError(await call('ListAssets', {}, { method: 'GET' }), 405, 'MethodNotAllowed');
    });

    it.each([
      ['not JSON', '{"Name": '],
      ['a JSON array', '[]'],
      ['a JSON string', '"Name"'],
    ])('refuses a body that is %s with 400 InvalidParameter', async (_name, rawBody) => {
      expectError(await call('CreateAssetGroup', undefined, { rawBody, sign: { body: rawBody } }), 400, 'InvalidParameter');
    });

    it('takes an empty body as {}', async () => {
      const answer = await call('ListAssetGroups', undefined, { rawBody: '', sign: { body: '' } });
      expect(answer.status).toBe(200);
      expect(answer.body.Result.TotalCount).toBe(0);
    });

    it('ignores fields it does not know, such as model', async () => {
      const id = await newGroup({ model: 'dreamina-seedance-2-0-fast' });
      expect((await call('GetAssetGroup', { Id: id })).body.Result.model).toBeUndefined();
    });

    it('leaves / without an Action to the other surfaces', async () => {
      expect((await fetch(`${sandbox.url}/`)).status).toBe(404);
    });
  });

  describe('signature', () => {
    it('refuses a request without Authorization: 401 MissingAuthenticationToken', async () => {
      expectError(await call('ListAssets', {}, { headers: { Authorization: null } }), 401, 'MissingAuthenticationToken', 'ListAssets');
    });

    it('refuses the data-plane bearer key: 401 InvalidAuthorization', async () => {
      expectError(await call('ListAssets', {}, { headers: { Authorization: `Bearer ${sandbox.apiKey}` } }), 401, 'InvalidAuthorization');
    });

    it('refuses an unknown access key: 401 InvalidAccessKey', async () => {
      expectError(await call('ListAssets', {}, { sign: { accessKeyId: 'AKSTRANGER' } }), 401, 'InvalidAccessKey');
    });

    it('refuses a wrong secret: 401 SignatureDoesNotMatch', async () => {
      expectError(await call('ListAssets', {}, { sign: { secretAccessKey: 'guess' } }), 401, 'SignatureDoesNotMatch');
    });

    it('refuses a date more than 15 minutes off: 401 InvalidTimestamp', async () => {
      expectError(await call('ListAssets', {}, { sign: { now: Date.now() - 16 * 60 * 1000 } }), 401, 'InvalidTimestamp');
      expect((await call('ListAssets', {}, { sign: { now: Date.now() - 10 * 60 * 1000 } })).status).toBe(200);
    });

    it('measures the skew against the wall clock, not the advanced sandbox clock', async () => {
      sandbox.control.advance(3_600_000);
      expect((await call('ListAssets', {})).status).toBe(200);
    });

    it('refuses another region or service: 401 InvalidCredentialScope', async () => {
      expectError(await call('ListAssets', {}, { sign: { region: 'cn-beijing' } }), 401, 'InvalidCredentialScope');
      expectError(await call('ListAssets', {}, { sign: { service: 'iam' } }), 401, 'InvalidCredentialScope');
    });

    it('refuses a body that is not the one hashed: 401 InvalidContentSha256', async () => {
      const answer = await call('CreateAssetGroup', undefined, { rawBody: '{"Name":"tampered"}', sign: { body: '{"Name":"signed"}' } });
      expectError(answer, 401, 'InvalidContentSha256');
      expect(sandbox.control.assetGroups()).toEqual([]);
    });

    it('refuses a request whose Action was changed after signing: 401 SignatureDoesNotMatch', async () => {
      const answer = await call('DeleteAssetGroup', { Id: 'group-x' }, { sign: { url: `${sandbox.openApiUrl}/?Action=GetAssetGroup&Version=2024-01-01` } });
      expectError(answer, 401, 'SignatureDoesNotMatch', 'DeleteAssetGroup');
    });

    it('checks the signature before the Version', async () => {
      expectError(await call('ListAssets', {}, { version: 'x', sign: { secretAccessKey: 'guess' } }), 401, 'SignatureDoesNotMatch');
    });

    it('accepts the keys given in the options', async () => {
      const other = await startSandbox({ port: 0, accessKeyId: 'AKOTHER', secretAccessKey: 'other-secret', region: 'ap-southeast-3' });
      try {
        expect(other).toMatchObject({ openApiUrl: other.url, accessKeyId: 'AKOTHER', secretAccessKey: 'other-secret' });
        const answer = await openApi(other)('ListAssetGroups', {}, { sign: { region: 'ap-southeast-3' } });
        expect(answer.status).toBe(200);
        expect(answer.body.ResponseMetadata.Region).toBe('ap-southeast-3');
      } finally {
        await other.close();
      }
    });

    it('has the documented defaults', () => {
      expect(sandbox).toMatchObject({ openApiUrl: sandbox.url, accessKeyId: 'AKSANDBOX', secretAccessKey: 'sandbox-secret' });
    });
  });

  describe('faults and the request log', () => {
    it('records control-plane requests with the Action as op', async () => {
      const id = await newGroup();
      await call('GetAssetGroup', { Id: id });
      await call('Nope', {});
      const recorded = sandbox.control.requests();
      expect(recorded.map((r) => r.op)).toEqual(['CreateAssetGroup', 'GetAssetGroup', 'unknown']);
      expect(recorded[1]).toMatchObject({ method: 'POST', path: '/', query: { Action: 'GetAssetGroup', Version: '2024-01-01' }, body: { Id: id } });
      expect(recorded[1].headers.authorization).toMatch(/^HMAC-SHA256 Credential=AKSANDBOX\//);
    });

    it('strikes the named Action only, in the OpenAPI envelope by default', async () => {
      sandbox.control.addFault({ op: 'CreateAsset', kind: 'status', status: 500 });
      const groupId = await newGroup();
      const answer = await call('CreateAsset', { GroupId: groupId, URL: 'https://example.com/a.png', AssetType: 'Image' });
      expectError(answer, 500, 'InternalServiceError', 'CreateAsset');
      expect(sandbox.control.assets()).toEqual([]);
    });

    it('strikes every Action with op openapi, but not the data plane', async () => {
      sandbox.control.addFault({ op: 'openapi', kind: 'status', status: 503, body: { ResponseMetadata: { Error: { Code: 'ServiceUnavailable' } } }, times: 2 });
      const tasks = await fetch(`${sandbox.url}${TASKS}`, { headers: { Authorization: `Bearer ${sandbox.apiKey}` } });
      expect(tasks.status).toBe(200);
      expect((await call('ListAssets', {})).status).toBe(503);
      const second = await call('GetAsset', { Id: 'x' });
      expect(second).toMatchObject({ status: 503, body: { ResponseMetadata: { Error: { Code: 'ServiceUnavailable' } } } });
      expect((await call('ListAssets', {})).status).toBe(200);
    });

    it('resets the connection and hangs', async () => {
      sandbox.control.addFault({ op: 'GetAsset', kind: 'reset' });
      await expect(call('GetAsset', { Id: 'x' })).rejects.toThrow('fetch failed');
      sandbox.control.addFault({ op: 'ListAssets', kind: 'hang' });
      const url = `${sandbox.openApiUrl}/?Action=ListAssets&Version=2024-01-01`;
      await expect(fetch(url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(150) })).rejects.toThrow();
    });

    it('loses the answer after the group was created with afterHandling', async () => {
      sandbox.control.addFault({ op: 'CreateAssetGroup', kind: 'reset', afterHandling: true });
      await expect(call('CreateAssetGroup', { Name: 'g' })).rejects.toThrow('fetch failed');
      expect(sandbox.control.assetGroups()).toHaveLength(1);
    });
  });
});
