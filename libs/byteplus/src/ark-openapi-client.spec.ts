import { closedPort, failure } from './client.test-support';
import { startSandbox, type SandboxHandle } from '@arkgate/sandbox';
import { ArkOpenApiClient, type ArkOpenApiClientOptions } from './ark-openapi-client';
import { ArkOpenApiError, ArkUnavailableError } from './ark-errors';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('ArkOpenApiClient against the sandbox', () => {
  let sandbox: SandboxHandle;
  let client: ArkOpenApiClient;

  const clientWith = (extra: Partial<ArkOpenApiClientOptions> = {}) =>
    new ArkOpenApiClient({
      baseUrl: `${sandbox.openApiUrl}/`,
      accessKeyId: sandbox.accessKeyId,
      secretAccessKey: sandbox.secretAccessKey,
      region: 'ap-southeast-1',
      timeoutMs: 300,
      ...extra,
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, assetProcessingMs: 1000, assetInvisibleMs: 0, unreachableHosts: ['gone.example.com'] });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.control.reset();
    client = clientWith();
  });

  it('creates a group with a signed JSON POST to /?Action=CreateAssetGroup&Version=2024-01-01', async () => {
    const created = await client.createAssetGroup({ Name: 'campaign-product-shots', Description: 'Assets for product videos' }, { requestId: 'req-1' });

    expect(created).toEqual({
      ResponseMetadata: { RequestId: expect.any(String), Action: 'CreateAssetGroup', Version: '2024-01-01', Service: 'ark', Region: 'ap-southeast-1' },
      Result: { Id: expect.stringMatching(/^group-\d{14}-[a-z0-9]{5}$/) },
    });
    const [request] = sandbox.control.requests();
    expect(request).toMatchObject({
      method: 'POST',
      path: '/',
      query: { Action: 'CreateAssetGroup', Version: '2024-01-01' },
      op: 'CreateAssetGroup',
      body: { Name: 'campaign-product-shots', Description: 'Assets for product videos' },
    });
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'x-client-request-id': 'req-1',
      'x-date': expect.stringMatching(/^\d{8}T\d{6}Z$/),
      'x-content-sha256': expect.stringMatching(/^[0-9a-f]{64}$/),
      authorization: expect.stringMatching(
        /^HMAC-SHA256 Credential=AKSANDBOX\/\d{8}\/ap-southeast-1\/ark\/request, SignedHeaders=content-type;host;x-content-sha256;x-date, Signature=[0-9a-f]{64}$/,
      ),
    });
  });

  it('gets and lists groups', async () => {
    const { Id } = (await client.createAssetGroup({ Name: 'Spring Sale' })).Result;
    await client.createAssetGroup({ Name: 'other' });

    const group = await client.getAssetGroup({ Id });
    expect(group.Result).toEqual({
      Id,
      Name: 'Spring Sale',
      Description: '',
      GroupType: 'AIGC',
      ProjectName: 'default',
      CreateTime: expect.stringMatching(ISO_TIME),
      UpdateTime: expect.stringMatching(ISO_TIME),
    });
    const listed = await client.listAssetGroups({ Filter: { Name: 'spring' }, PageSize: 5 });
    expect(listed.Result).toEqual({ Items: [group.Result], TotalCount: 1, PageNumber: 1, PageSize: 5 });
    expect((await client.listAssetGroups()).Result.TotalCount).toBe(2);
  });

  it('creates, gets and lists assets, following one to Active', async () => {
    const groupId = (await client.createAssetGroup({ Name: 'g' })).Result.Id;
    const { Id } = (await client.createAsset({ GroupId: groupId, URL: 'https://example.com/in.mp4', AssetType: 'Video', Name: 'in.mp4' })).Result;
    expect(Id).toMatch(/^asset-\d{14}-[a-z0-9]{5}$/);

    expect((await client.getAsset({ Id })).Result).toMatchObject({ Id, Status: 'Processing', AssetType: 'Video', GroupId: groupId, Name: 'in.mp4' });
    sandbox.control.advance(1000);
    const active = await client.getAsset({ Id });
    expect(active.Result).toMatchObject({ Status: 'Active', URL: `${sandbox.url}/assets/${Id}?X-Tos-Expires=43200`, ProjectName: 'default' });

    const listed = await client.listAssets({ Filter: { GroupIds: [groupId], Statuses: ['Active'] } });
    expect(listed.Result).toEqual({ Items: [active.Result], TotalCount: 1, PageNumber: 1, PageSize: 10 });
    expect((await client.listAssets()).Result.TotalCount).toBe(1);
  });

  it('shows a failed asset with its Error', async () => {
    const groupId = (await client.createAssetGroup({ Name: 'g' })).Result.Id;
    const { Id } = (await client.createAsset({ GroupId: groupId, URL: 'https://gone.example.com/a.png', AssetType: 'Image' })).Result;
    sandbox.control.advance(1000);
    expect((await client.getAsset({ Id })).Result).toMatchObject({
      Status: 'Failed',
      Error: { Code: 'DownloadFailed', Message: expect.stringContaining('gone.example.com') },
    });
  });

  it('calls any action with call()', async () => {
    const groupId = (await client.createAssetGroup({ Name: 'g' })).Result.Id;
    const updated = await client.call<Record<string, never>>('UpdateAssetGroup', { Id: groupId, Name: 'renamed' });
    expect(updated.Result).toEqual({});
    expect((await client.getAssetGroup({ Id: groupId })).Result.Name).toBe('renamed');
  });

  it('turns a 404 into ArkOpenApiError with the status, code, request id and body', async () => {
    const error = await failure(client.getAsset({ Id: 'asset-20260101000000-zzzzz' }));
    expect(error).toBeInstanceOf(ArkOpenApiError);
    expect(error).toMatchObject({
      status: 404,
      code: 'NotFound.Asset',
      requestId: expect.stringMatching(/^\d{14}[0-9A-F]{17}$/),
      body: { ResponseMetadata: expect.objectContaining({ Action: 'GetAsset', Error: { Code: 'NotFound.Asset', Message: expect.any(String) } }) },
    });
  });

  it('turns a validation refusal into ArkOpenApiError 400', async () => {
    const error = await failure(client.createAssetGroup({ Name: 'faces', GroupType: 'LivenessFace' }));
    expect(error).toMatchObject({ status: 400, code: 'InvalidParameter' });
  });

  it('answers a wrong secret with ArkOpenApiError 401 SignatureDoesNotMatch', async () => {
    const error = await failure(clientWith({ secretAccessKey: 'wrong' }).listAssets());
    expect(error).toBeInstanceOf(ArkOpenApiError);
    expect(error).toMatchObject({ status: 401, code: 'SignatureDoesNotMatch' });
  });

  it('answers a clock 20 minutes off with ArkOpenApiError 401 InvalidTimestamp', async () => {
    const error = await failure(clientWith({ now: () => Date.now() - 20 * 60 * 1000 }).listAssets());
    expect(error).toMatchObject({ status: 401, code: 'InvalidTimestamp' });
  });

  it('keeps a 4xx body that is not JSON as text', async () => {
    sandbox.control.addFault({ op: 'GetAssetGroup', kind: 'status', status: 429, body: 'slow down' });
    const error = await failure(client.getAssetGroup({ Id: 'group-x' }));
    expect(error).toBeInstanceOf(ArkOpenApiError);
    expect(error).toMatchObject({ status: 429, body: 'slow down', code: undefined });
  });

  it('turns a 2xx carrying ResponseMetadata.Error into ArkOpenApiError', async () => {
    const body = { ResponseMetadata: { RequestId: 'r', Action: 'ListAssets', Error: { Code: 'AccessDenied', Message: 'no' } } };
    sandbox.control.addFault({ op: 'ListAssets', kind: 'status', status: 200, body });
    expect(await failure(client.listAssets())).toMatchObject({ name: 'ArkOpenApiError', status: 200, code: 'AccessDenied' });
  });

  it('turns a 500 into ArkUnavailableError server_error', async () => {
    sandbox.control.addFault({ op: 'CreateAsset', kind: 'status', status: 500 });
    const error = await failure(client.createAsset({ GroupId: 'g', URL: 'https://example.com/a.png', AssetType: 'Image' }));
    expect(error).toBeInstanceOf(ArkUnavailableError);
    expect(error).toMatchObject({ reason: 'server_error', status: 500 });
  });

  it('turns a reset connection into ArkUnavailableError network', async () => {
    sandbox.control.addFault({ op: 'openapi', kind: 'reset' });
    const error = await failure(client.listAssetGroups());
    expect(error).toBeInstanceOf(ArkUnavailableError);
    expect(error).toMatchObject({ reason: 'network' });
  });

  it('turns a hang into ArkUnavailableError timeout after timeoutMs', async () => {
    sandbox.control.addFault({ op: 'GetAsset', kind: 'hang' });
    const started = Date.now();
    const error = await failure(client.getAsset({ Id: 'asset-x' }));
    expect(error).toBeInstanceOf(ArkUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('turns a refused connection into ArkUnavailableError network', async () => {
    const port = await closedPort();
    const nowhere = clientWith({ baseUrl: `http://127.0.0.1:${port}` });
    expect(await failure(nowhere.listAssets())).toMatchObject({ name: 'ArkUnavailableError', reason: 'network' });
  });

  it.each([
    ['not JSON', 'ListAssets', 'not json', (c: ArkOpenApiClient) => c.listAssets()],
    ['no ResponseMetadata', 'ListAssets', { Result: { Items: [], TotalCount: 0 } }, (c: ArkOpenApiClient) => c.listAssets()],
    ['no Result', 'GetAsset', { ResponseMetadata: { RequestId: 'r' } }, (c: ArkOpenApiClient) => c.getAsset({ Id: 'a' })],
    ['a create without Id', 'CreateAssetGroup', { ResponseMetadata: {}, Result: {} }, (c: ArkOpenApiClient) => c.createAssetGroup({ Name: 'g' })],
    [
      'a numeric Id',
      'CreateAsset',
      { ResponseMetadata: {}, Result: { Id: 7 } },
      (c: ArkOpenApiClient) => c.createAsset({ GroupId: 'g', URL: 'u', AssetType: 'Image' }),
    ],
    [
      'an unknown asset Status',
      'GetAsset',
      { ResponseMetadata: {}, Result: { Id: 'a', Status: 'Inactive' } },
      (c: ArkOpenApiClient) => c.getAsset({ Id: 'a' }),
    ],
    ['a group without Id', 'GetAssetGroup', { ResponseMetadata: {}, Result: { Name: 'g' } }, (c: ArkOpenApiClient) => c.getAssetGroup({ Id: 'g' })],
    ['Items not an array', 'ListAssetGroups', { ResponseMetadata: {}, Result: { Items: {}, TotalCount: 0 } }, (c: ArkOpenApiClient) => c.listAssetGroups()],
    ['a bad list item', 'ListAssets', { ResponseMetadata: {}, Result: { Items: [{ Id: 3 }], TotalCount: 1 } }, (c: ArkOpenApiClient) => c.listAssets()],
  ])('turns a 200 with %s into ArkUnavailableError bad_response', async (_name, op, body, run) => {
    sandbox.control.addFault({ op, kind: 'status', status: 200, body });
    const error = await failure(run(client));
    expect(error).toBeInstanceOf(ArkUnavailableError);
    expect(error).toMatchObject({ reason: 'bad_response' });
  });

  it("rejects with the caller's abort reason, not as unavailable", async () => {
    sandbox.control.addFault({ op: 'ListAssets', kind: 'hang' });
    const patient = clientWith({ timeoutMs: 5000 });
    const controller = new AbortController();
    const call = patient.listAssets({}, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    const error = await failure(call);
    expect(error).not.toBeInstanceOf(ArkUnavailableError);
    expect((error as Error).message).toBe('shutting down');
  });

  it('refuses an action name that is not alphanumeric without calling upstream', async () => {
    await expect(client.call('List&Version=1', {})).rejects.toThrow(TypeError);
    expect(sandbox.control.requests()).toHaveLength(0);
  });

  it('needs a baseUrl, a region and a positive timeout', () => {
    const base = { baseUrl: 'http://x', accessKeyId: 'a', secretAccessKey: 's', region: 'r', timeoutMs: 1 };
    expect(() => new ArkOpenApiClient({ ...base, baseUrl: '' })).toThrow(/baseUrl/);
    expect(() => new ArkOpenApiClient({ ...base, region: '' })).toThrow(/region/);
    expect(() => new ArkOpenApiClient({ ...base, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new ArkOpenApiClient({ ...base, accessKeyId: '', secretAccessKey: '' })).not.toThrow();
  });
});
