import { ArkOpenApiClient } from '@arkgate/byteplus';
import { startSandbox, type SandboxHandle } from './sandbox-server';

const TASKS = '/api/v3/contents/generations/tasks';

describe('control API over HTTP', () => {
  let sandbox: SandboxHandle;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, queuedMs: 1000, runningMs: 1000 });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => sandbox.control.reset());

  async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${sandbox.url}/_sandbox/${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  async function create(extra: Record<string, unknown> = {}): Promise<string> {
    const response = await fetch(`${sandbox.dataPlaneUrl}/contents/generations/tasks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sandbox.apiKey}` },
      body: JSON.stringify({ model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'x' }], ...extra }),
    });
    return ((await response.json()) as { id: string }).id;
  }

  async function status(id: string): Promise<string> {
    const response = await fetch(`${sandbox.url}${TASKS}/${id}`, { headers: { Authorization: `Bearer ${sandbox.apiKey}` } });
    return ((await response.json()) as { status: string }).status;
  }

  it('forces an outcome, with an error for failures', async () => {
    const id = await create();
    const answer = await control('POST', `tasks/${id}/outcome`, { outcome: 'failed', error: { code: 'InputImageSensitiveContentDetected', message: 'no' } });
    expect(answer).toMatchObject({ status: 200, body: { id, status: 'failed', error: { code: 'InputImageSensitiveContentDetected', message: 'no' } } });
    expect(await status(id)).toBe('failed');
  });

  it('refuses a bad outcome with 400, an unknown task with 404 and a cancelled one with 409', async () => {
    const id = await create();
    expect((await control('POST', `tasks/${id}/outcome`, { outcome: 'done' })).status).toBe(400);
    expect((await control('POST', 'tasks/cgt-nope/outcome', { outcome: 'succeeded' })).status).toBe(404);
    await fetch(`${sandbox.url}${TASKS}/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${sandbox.apiKey}` } });
    const refused = await control('POST', `tasks/${id}/outcome`, { outcome: 'succeeded' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.type).toBe('Conflict');
  });

  it('fails the next task', async () => {
    expect((await control('POST', 'fail-next', {})).body).toEqual({ ok: true });
    const failing = await create();
    const fine = await create();
    await control('POST', 'advance', { ms: 5000 });
    expect(await status(failing)).toBe('failed');
    expect(await status(fine)).toBe('succeeded');
  });

  it('holds and releases a task', async () => {
    const id = await create();
    expect((await control('POST', `tasks/${id}/hold`, { status: 'running' })).body.hold).toBe('running');
    await control('POST', 'advance', { ms: 10_000 });
    expect(await status(id)).toBe('running');
    await control('POST', `tasks/${id}/release`);
    expect(await status(id)).toBe('succeeded');
  });

  it('holds every new task with hold-all until turned off', async () => {
    await control('POST', 'hold-all', { status: 'queued' });
    const held = await create();
    await control('POST', 'hold-all', { status: null });
    const free = await create();
    await control('POST', 'advance', { ms: 10_000 });
    expect(await status(held)).toBe('queued');
    expect(await status(free)).toBe('succeeded');
    expect((await control('POST', 'hold-all', { status: 'later' })).status).toBe(400);
  });

  it('reads and sets the clock, and advances it', async () => {
    const before = await control('GET', 'clock');
    expect(before.body).toMatchObject({ offsetMs: 0, queuedMs: 1000, runningMs: 1000 });
    expect((await control('POST', 'clock', { queuedMs: 5, runningMs: 7 })).body).toMatchObject({ queuedMs: 5, runningMs: 7 });
    const advanced = await control('POST', 'advance', { ms: 3_600_000 });
    expect(advanced.body.offsetMs).toBe(3_600_000);
    expect(advanced.body.now - before.body.now).toBeGreaterThanOrEqual(3_600_000);
    expect((await control('POST', 'advance', { ms: -1 })).status).toBe(400);
    expect((await control('POST', 'clock', { queuedMs: 'fast' })).status).toBe(400);
  });

  it('adds, lists and clears faults', async () => {
    const added = await control('POST', 'faults', { op: 'list', kind: 'status', status: 503, times: 2 });
    expect(added.body).toMatchObject({ op: 'list', kind: 'status', status: 503, times: 2 });
    expect((await control('GET', 'faults')).body).toHaveLength(1);
    const listed = await fetch(`${sandbox.url}${TASKS}`, { headers: { Authorization: `Bearer ${sandbox.apiKey}` } });
    expect(listed.status).toBe(503);
    expect(await listed.json()).toEqual({
      error: { code: 'InternalServiceError', message: expect.any(String), param: '', type: 'ServiceUnavailable' },
    });
    expect((await control('GET', 'faults')).body).toEqual([expect.objectContaining({ times: 1 })]);
    await control('DELETE', 'faults');
    expect((await control('GET', 'faults')).body).toEqual([]);
    expect((await control('POST', 'faults', { op: 'list', kind: 'explode' })).status).toBe(400);
  });

  it('shows and clears recorded requests', async () => {
    await create({ seed: 1 });
    const recorded = (await control('GET', 'requests')).body;
    expect(recorded).toEqual([expect.objectContaining({ method: 'POST', path: TASKS, op: 'create', body: expect.objectContaining({ seed: 1 }) })]);
    await control('DELETE', 'requests');
    expect((await control('GET', 'requests')).body).toEqual([]);
  });

  it('shows and clears recorded callbacks', async () => {
    const id = await create({ callback_url: 'https://example.com/cb' });
    expect((await control('GET', 'callbacks')).body).toEqual([expect.objectContaining({ taskId: id, status: 'queued' })]);
    await control('DELETE', 'callbacks');
    expect((await control('GET', 'callbacks')).body).toEqual([]);
  });

  it('shows the raw record and the task view', async () => {
    const id = await create();
    expect((await control('GET', `tasks/${id}`)).body).toMatchObject({ id, status: 'queued', params: { model: 'dreamina-seedance-2-0-260128' } });
    expect((await control('GET', `tasks/${id}/view`)).body).toMatchObject({ id, status: 'queued', framespersecond: 24 });
    expect((await control('GET', 'tasks/cgt-nope')).status).toBe(404);
  });

  it('resets everything', async () => {
    const id = await create();
    await control('POST', 'faults', { op: 'any', kind: 'status' });
    await control('POST', 'advance', { ms: 1000 });
    expect((await control('POST', 'reset')).body).toEqual({ ok: true });
    expect((await control('GET', `tasks/${id}`)).status).toBe(404);
    expect((await control('GET', 'faults')).body).toEqual([]);
    expect((await control('GET', 'requests')).body).toEqual([]);
    expect((await control('GET', 'clock')).body.offsetMs).toBe(0);
  });

  it('answers unknown controls with 404 and bad JSON with 400', async () => {
    expect((await control('POST', 'explode')).status).toBe(404);
    const response = await fetch(`${sandbox.url}/_sandbox/advance`, { method: 'POST', body: '{nope' });
    expect(response.status).toBe(400);
  });

  it('is not recorded as upstream traffic and needs no key', async () => {
    await control('GET', 'clock');
    expect(sandbox.control.requests()).toEqual([]);
  });

  describe('asset controls', () => {
    let client: ArkOpenApiClient;
    let groupId: string;

    beforeEach(async () => {
      client = new ArkOpenApiClient({
        baseUrl: sandbox.openApiUrl,
        accessKeyId: sandbox.accessKeyId,
        secretAccessKey: sandbox.secretAccessKey,
        region: 'ap-southeast-1',
        timeoutMs: 2000,
      });
      groupId = (await client.createAssetGroup({ Name: 'controls' })).Result.Id;
    });

    const newAsset = async (URL = 'https://example.com/a.png') => (await client.createAsset({ GroupId: groupId, URL, AssetType: 'Image' })).Result.Id;

    it('lists raw groups and assets, invisible ones too, and shows one raw and as GetAsset would', async () => {
      const id = await newAsset();
      expect((await control('GET', 'asset-groups')).body).toEqual([
        expect.objectContaining({ id: groupId, name: 'controls', groupType: 'AIGC', projectName: 'default' }),
      ]);
      expect((await control('GET', 'assets')).body).toEqual([
        expect.objectContaining({ id, groupId, status: 'Processing', sourceUrl: 'https://example.com/a.png' }),
      ]);
      expect((await control('GET', `assets/${id}`)).body).toMatchObject({ id, assetType: 'Image', hold: null });
      expect((await control('GET', `assets/${id}/view`)).body).toMatchObject({ Id: id, Status: 'Processing', URL: 'https://example.com/a.png' });
      expect((await control('GET', 'assets/asset-nope')).status).toBe(404);
      expect((await control('GET', 'assets/asset-nope/view')).status).toBe(404);
    });

    it('forces an outcome, with an error for failures, and the asset is visible at once', async () => {
      await control('POST', 'asset-clock', { invisibleMs: 60_000 });
      const id = await newAsset();
      const failed = await control('POST', `assets/${id}/outcome`, { outcome: 'Failed', error: { Code: 'FaceMismatch', Message: 'no face' } });
      expect(failed).toMatchObject({ status: 200, body: { id, status: 'Failed', error: { Code: 'FaceMismatch', Message: 'no face' } } });
      const seen = await client.getAsset({ Id: id });
      expect(seen.Result).toMatchObject({ Status: 'Failed', Error: { Code: 'FaceMismatch', Message: 'no face' } });
      expect((await control('POST', `assets/${id}/outcome`, { outcome: 'Active' })).body.status).toBe('Active');
    });

    it('refuses a bad outcome or error with 400 and an unknown asset with 404', async () => {
      const id = await newAsset();
      expect((await control('POST', `assets/${id}/outcome`, { outcome: 'succeeded' })).status).toBe(400);
      expect((await control('POST', `assets/${id}/outcome`, { outcome: 'Failed', error: { code: 'x', message: 'y' } })).status).toBe(400);
      expect((await control('POST', 'assets/asset-nope/outcome', { outcome: 'Active' })).status).toBe(404);
    });

    it('holds an asset in Processing and releases it', async () => {
      const id = await newAsset();
      expect((await control('POST', `assets/${id}/hold`, { status: 'Processing' })).body.hold).toBe('Processing');
      await control('POST', 'advance', { ms: 60_000 });
      expect((await client.getAsset({ Id: id })).Result.Status).toBe('Processing');
      await control('POST', `assets/${id}/release`);
      expect((await client.getAsset({ Id: id })).Result.Status).toBe('Active');
      expect((await control('POST', `assets/${id}/hold`, { status: 'Processing' })).status).toBe(409);
      expect((await control('POST', `assets/${id}/hold`, { status: 'Later' })).status).toBe(400);
    });

    it('reads and sets the asset clock, refusing bad values', async () => {
      expect((await control('GET', 'asset-clock')).body).toEqual({ pendingMs: 0, processingMs: 1500, invisibleMs: 500 });
      expect((await control('POST', 'asset-clock', { processingMs: 10, invisibleMs: 0 })).body).toEqual({ pendingMs: 0, processingMs: 10, invisibleMs: 0 });
      expect((await control('POST', 'asset-clock', { pendingMs: -5 })).status).toBe(400);
      expect((await control('POST', 'asset-clock', { invisibleMs: 'soon' })).status).toBe(400);
      const id = await newAsset();
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect((await client.getAsset({ Id: id })).Result.Status).toBe('Active');
    });

    it('reset forgets groups and assets and restores the asset clock', async () => {
      await newAsset();
      await control('POST', 'asset-clock', { processingMs: 1 });
      await control('POST', 'reset');
      expect((await control('GET', 'asset-groups')).body).toEqual([]);
      expect((await control('GET', 'assets')).body).toEqual([]);
      expect((await control('GET', 'asset-clock')).body.processingMs).toBe(1500);
    });

    it('adds faults for an Action name', async () => {
      expect((await control('POST', 'faults', { op: 'GetAsset', kind: 'status', status: 500 })).body).toMatchObject({ op: 'GetAsset' });
      const id = await newAsset();
      await control('POST', 'asset-clock', { invisibleMs: 0 });
      await expect(client.getAsset({ Id: id })).rejects.toMatchObject({ reason: 'server_error', status: 500 });
      expect((await client.getAsset({ Id: id })).Result.Id).toBe(id);
    });
  });
});
