import { ArkOpenApiClient } from '@arkgate/byteplus';
import { startSandbox, type SandboxHandle } from './sandbox-server';

const TASKS = '/api/v3/contents/generations/tasks';
const DAY = 24 * 3600 * 1000;

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

function api(sandbox: SandboxHandle) {
  return async (method: string, path: string, body?: unknown, key: string | null = sandbox.apiKey): Promise<Answer> => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (key !== null) headers.Authorization = `Bearer ${key}`;
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
}

const textTask = (extra: Record<string, unknown> = {}) => ({
  model: 'dreamina-seedance-2-0-260128',
  content: [{ type: 'text', text: 'A quiet cinematic shot of a paper boat.' }],
  ...extra,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('data plane over HTTP', () => {
  let sandbox: SandboxHandle;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, queuedMs: 50, runningMs: 100, extraModels: ['dreamina-seedance-2-0-filter-off-test'] });
    call = api(sandbox);
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.control.reset();
    sandbox.control.setClock({ queuedMs: 50, runningMs: 100 });
  });

  describe('create and get', () => {
    it('answers a create with the task id only, in the cgt-<UTC stamp>-<5 chars> form', async () => {
      const before = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
      const answer = await call('POST', TASKS, textTask());
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body)).toEqual(['id']);
      expect(answer.body.id).toMatch(/^cgt-\d{14}-[a-z0-9]{5}$/);
      expect(answer.body.id.slice(4, 18) >= before).toBe(true);
    });

    it('echoes safety_identifier in the create answer', async () => {
      const answer = await call('POST', TASKS, textTask({ safety_identifier: 'user-hash-001' }));
      expect(answer.body).toEqual({ id: expect.any(String), safety_identifier: 'user-hash-001' });
    });

    it('moves queued → running → succeeded on a fast clock, in real time', async () => {
      sandbox.control.setClock({ queuedMs: 200, runningMs: 400 });
      const { id } = (await call('POST', TASKS, textTask())).body;
      const queued = (await call('GET', `${TASKS}/${id}`)).body;
      expect(queued).toMatchObject({ status: 'queued', content: {}, error: null });
      expect(queued.usage).toBeUndefined();
      await sleep(250);
      expect((await call('GET', `${TASKS}/${id}`)).body.status).toBe('running');
      await sleep(450);
      expect((await call('GET', `${TASKS}/${id}`)).body).toMatchObject({ status: 'succeeded', usage: { completion_tokens: 108900 } });
    });

    it('returns the upstream task object of BytePlus for a succeeded 720p 16:9 5 s task', async () => {
      const created = Date.now();
      const { id } = (await call('POST', TASKS, textTask({ safety_identifier: 'user-hash-001' }))).body;
      sandbox.control.advance(1000);
      const { status, body } = await call('GET', `${TASKS}/${id}`);

      expect(status).toBe(200);
      expect(body).toEqual({
        id,
        model: 'dreamina-seedance-2-0-260128',
        status: 'succeeded',
        error: null,
        content: { video_url: `${sandbox.url}/files/${id}.mp4` },
        usage: { completion_tokens: 108900, total_tokens: 108900 },
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
        seed: expect.any(Number),
        resolution: '720p',
        ratio: '16:9',
        duration: 5,
        framespersecond: 24,
        service_tier: 'default',
        execution_expires_after: 172800,
        generate_audio: true,
        draft: false,
        safety_identifier: 'user-hash-001',
        priority: 0,
      });
      expect(Math.abs(body.created_at - Math.floor(created / 1000))).toBeLessThanOrEqual(1);
      const record = sandbox.control.task(id)!;
      expect(record.updatedAtMs).toBe(record.createdAtMs + 150);
      expect(body.created_at).toBe(Math.floor(record.createdAtMs / 1000));
      expect(body.updated_at).toBe(Math.floor(record.updatedAtMs / 1000));
    });

    it('bills 480p 16:9 4 s as 40594 tokens and echoes what was asked (seed example)', async () => {
      const { id } = (
        await call(
          'POST',
          TASKS,
          textTask({
            model: 'dreamina-seedance-2-0-fast-260128',
            duration: 4,
            ratio: '16:9',
            resolution: '480p',
            generate_audio: false,
            watermark: true,
            return_last_frame: true,
            execution_expires_after: 3600,
            priority: 3,
            seed: 74719,
            callback_url: 'https://example.com/volcark/callback',
          }),
        )
      ).body;
      sandbox.control.advance(1000);
      const { body } = await call('GET', `${TASKS}/${id}`);
      expect(body).toMatchObject({
        model: 'dreamina-seedance-2-0-fast-260128',
        status: 'succeeded',
        content: { video_url: `${sandbox.url}/files/${id}.mp4`, last_frame_url: `${sandbox.url}/files/${id}.png` },
        usage: { completion_tokens: 40594, total_tokens: 40594 },
        seed: 74719,
        resolution: '480p',
        duration: 4,
        execution_expires_after: 3600,
        generate_audio: false,
        priority: 3,
      });
      expect(body).not.toHaveProperty('safety_identifier');
    });

    it('reports the actual ratio and duration for adaptive and -1, and 4k sizes from the table', async () => {
      const { id } = (await call('POST', TASKS, textTask({ ratio: 'adaptive', duration: -1, resolution: '4k' }))).body;
      sandbox.control.advance(1000);
      const { body } = await call('GET', `${TASKS}/${id}`);
      expect(body).toMatchObject({ ratio: '16:9', duration: 5, resolution: '4k' });
      expect(body.usage.completion_tokens).toBe(Math.floor((3840 * 2160 * 121) / 1024));
    });

    it('reports a failure with its error and no usage or video', async () => {
      sandbox.control.failNext({ code: 'OutputVideoSensitiveContentDetected', message: 'The output video may contain sensitive information.' });
      const { id } = (await call('POST', TASKS, textTask())).body;
      sandbox.control.advance(1000);
      const { body } = await call('GET', `${TASKS}/${id}`);
      expect(body).toMatchObject({
        status: 'failed',
        error: { code: 'OutputVideoSensitiveContentDetected', message: 'The output video may contain sensitive information.' },
        content: {},
      });
      expect(body).not.toHaveProperty('usage');
    });

    it('expires a task still unfinished after execution_expires_after', async () => {
      const { id } = (await call('POST', TASKS, textTask({ execution_expires_after: 3600 }))).body;
      sandbox.control.hold(id, 'running');
      sandbox.control.advance(3600 * 1000);
      const { body } = await call('GET', `${TASKS}/${id}`);
      expect(body).toMatchObject({ status: 'expired', error: null, content: {} });
      expect(body.updated_at - body.created_at).toBe(3600);
    });

    it('accepts endpoint ids and configured extra models', async () => {
      expect((await call('POST', TASKS, textTask({ model: 'ep-20260611-xyz' }))).status).toBe(200);
      expect((await call('POST', TASKS, textTask({ model: 'dreamina-seedance-2-0-filter-off-test' }))).status).toBe(200);
    });

    it('answers 404 ResourceNotFound for an unknown task', async () => {
      const answer = await call('GET', `${TASKS}/cgt-20260101000000-zzzzz`);
      expect(answer.status).toBe(404);
      expect(answer.body.error).toMatchObject({ code: 'ResourceNotFound', type: 'NotFound' });
    });

    it('refuses more queued tasks than maxQueued with 429', async () => {
      const limited = await startSandbox({ port: 0, maxQueued: 2 });
      try {
        const limitedCall = api(limited);
        expect((await limitedCall('POST', TASKS, textTask())).status).toBe(200);
        expect((await limitedCall('POST', TASKS, textTask())).status).toBe(200);
        const refused = await limitedCall('POST', TASKS, textTask());
        expect(refused.status).toBe(429);
        expect(refused.body.error).toMatchObject({ code: 'QuotaExceeded', type: 'TooManyRequests', param: '' });
        limited.control.advance(2000);
        expect((await limitedCall('POST', TASKS, textTask())).status).toBe(200);
      } finally {
        await limited.close();
      }
    });
  });

  describe('validation', () => {
    it.each([
      ['invalid JSON', '{"model":', 400, 'InvalidParameter', 'body'],
      ['a JSON array', '[]', 400, 'InvalidParameter', 'body'],
      ['no model', { content: textTask().content }, 400, 'MissingParameter', 'model'],
      ['no content', { model: 'dreamina-seedance-2-0-260128' }, 400, 'MissingParameter', 'content'],
      ['an unknown model', textTask({ model: 'dreamina-seedance-2-0' }), 404, 'InvalidEndpointOrModel.NotFound', 'model'],
      ['duration 16', textTask({ duration: 16 }), 400, 'InvalidParameter', 'duration'],
      ['ratio 2:1', textTask({ ratio: '2:1' }), 400, 'InvalidParameter', 'ratio'],
      ['1080p on mini', textTask({ model: 'dreamina-seedance-2-0-mini-260615', resolution: '1080p' }), 400, 'InvalidParameter', 'resolution'],
      ['flex on 2.0', textTask({ service_tier: 'flex' }), 400, 'InvalidParameter', 'service_tier'],
      ['priority -1', textTask({ priority: -1 }), 400, 'InvalidParameter', 'priority'],
      ['expiry 100', textTask({ execution_expires_after: 100 }), 400, 'InvalidParameter', 'execution_expires_after'],
    ])('refuses %s with the native error body', async (_name, body, status, code, param) => {
      const answer = await call('POST', TASKS, body);
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({
        error: { code, message: expect.any(String), param, type: status === 404 ? 'NotFound' : 'BadRequest' },
      });
      expect(sandbox.control.requests()).toHaveLength(1);
      expect((await call('GET', TASKS)).body.total).toBe(0);
    });
  });

  describe('auth', () => {
    it.each([
      ['no key', null],
      ['a wrong key', 'not-the-key'],
    ])('answers 401 AuthenticationError with %s on every route', async (_name, key) => {
      for (const [method, path] of [
        ['POST', TASKS],
        ['GET', TASKS],
        ['GET', `${TASKS}/cgt-1`],
        ['DELETE', `${TASKS}/cgt-1`],
      ] as const) {
        const answer = await call(method, path, method === 'POST' ? textTask() : undefined, key);
        expect(answer.status).toBe(401);
        expect(answer.body.error).toMatchObject({ code: 'AuthenticationError', type: 'Unauthorized' });
      }
      expect((await call('GET', TASKS)).body.total).toBe(0);
    });

    it('answers an unknown data-plane path with 404 NotFound', async () => {
      const answer = await call('GET', '/api/v3/chat/completions');
      expect(answer.status).toBe(404);
      expect(answer.body.error.type).toBe('NotFound');
    });

    it('echoes X-Client-Request-Id and adds an X-Request-Id', async () => {
      const response = await fetch(`${sandbox.dataPlaneUrl}/contents/generations/tasks`, {
        headers: { Authorization: `Bearer ${sandbox.apiKey}`, 'X-Client-Request-Id': 'abc-1' },
      });
      await response.arrayBuffer();
      expect(response.headers.get('x-client-request-id')).toBe('abc-1');
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{24}$/);
    });
  });

  describe('list', () => {
    async function createMany(n: number, extra: Record<string, unknown> = {}): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await call('POST', TASKS, textTask(extra))).body.id);
      return ids;
    }

    it('lists newest first with default paging (page 1, 20 items)', async () => {
      const ids = await createMany(22);
      const { status, body } = await call('GET', TASKS);
      expect(status).toBe(200);
      expect(Object.keys(body)).toEqual(['total', 'items']);
      expect(body.total).toBe(22);
      expect(body.items).toHaveLength(20);
      expect(body.items.map((task: { id: string }) => task.id)).toEqual([...ids].reverse().slice(0, 20));
      expect(body.items[0]).toMatchObject({ model: 'dreamina-seedance-2-0-260128', status: 'queued', framespersecond: 24 });
    });

    it('pages with page_num and page_size', async () => {
      const ids = (await createMany(5)).reverse();
      expect((await call('GET', `${TASKS}?page_num=2&page_size=2`)).body.items.map((t: { id: string }) => t.id)).toEqual(ids.slice(2, 4));
      expect((await call('GET', `${TASKS}?page_num=3&page_size=2`)).body.items.map((t: { id: string }) => t.id)).toEqual(ids.slice(4));
      expect((await call('GET', `${TASKS}?page_num=4&page_size=2`)).body).toEqual({ total: 5, items: [] });
    });

    it('filters by status, model, service tier and task ids (repeated or comma-separated)', async () => {
      const [a, b, c] = await createMany(3);
      const [fast] = await createMany(1, { model: 'dreamina-seedance-2-0-fast-260128' });
      sandbox.control.forceOutcome(a, 'succeeded');
      const ids = (query: string) => call('GET', `${TASKS}?${query}`).then((answer) => answer.body.items.map((t: { id: string }) => t.id));

      expect(await ids('filter.status=succeeded')).toEqual([a]);
      expect(await ids('filter.status=queued')).toEqual([fast, c, b]);
      expect(await ids('filter.model=dreamina-seedance-2-0-fast-260128')).toEqual([fast]);
      expect(await ids('filter.service_tier=default')).toHaveLength(4);
      expect(await ids('filter.service_tier=flex')).toEqual([]);
      expect(await ids(`filter.task_ids=${a}&filter.task_ids=${c}`)).toEqual([c, a]);
      expect(await ids(`filter.task_ids=${a},${b}`)).toEqual([b, a]);
      expect(await ids(`filter.task_ids=${a}&filter.status=queued`)).toEqual([]);
    });

    it('only lists tasks created in the last 7 days', async () => {
      const [old] = await createMany(1);
      sandbox.control.advance(6 * DAY);
      const [recent] = await createMany(1);
      expect((await call('GET', TASKS)).body.total).toBe(2);
      sandbox.control.advance(DAY);
      const { body } = await call('GET', TASKS);
      expect(body.items.map((t: { id: string }) => t.id)).toEqual([recent]);
      expect((await call('GET', `${TASKS}/${old}`)).status).toBe(404);
    });

    it.each([
      ['page_num=0'],
      ['page_num=501'],
      ['page_size=0'],
      ['page_size=501'],
      ['page_size=abc'],
      ['page_num=1.5'],
      ['filter.status=done'],
      ['filter.service_tier=scale'],
    ])('refuses %s with 400 InvalidParameter', async (query) => {
      const answer = await call('GET', `${TASKS}?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'InvalidParameter', param: query.split('=')[0], type: 'BadRequest' });
    });
  });

  describe('delete', () => {
    it('cancels a queued task', async () => {
      const { id } = (await call('POST', TASKS, textTask())).body;
      const answer = await call('DELETE', `${TASKS}/${id}`);
      expect(answer).toMatchObject({ status: 200, body: {} });
      sandbox.control.advance(1000);
      expect((await call('GET', `${TASKS}/${id}`)).body.status).toBe('cancelled');
    });

    it('refuses a running task with 409 InvalidAction.RunningTaskDeletion', async () => {
      const { id } = (await call('POST', TASKS, textTask())).body;
      sandbox.control.hold(id, 'running');
      sandbox.control.advance(60);
      const answer = await call('DELETE', `${TASKS}/${id}`);
      expect(answer.status).toBe(409);
      expect(answer.body).toEqual({
        error: {
          code: 'InvalidAction.RunningTaskDeletion',
          message: `Cannot delete task \`${id}\` because it is currently running.`,
          param: '',
          type: 'Conflict',
        },
      });
      expect((await call('GET', `${TASKS}/${id}`)).body.status).toBe('running');
    });

    it.each([['succeeded'], ['failed'], ['expired']] as const)('deletes the record of a %s task', async (outcome) => {
      const { id } = (await call('POST', TASKS, textTask())).body;
      sandbox.control.forceOutcome(id, outcome);
      expect(await call('DELETE', `${TASKS}/${id}`)).toMatchObject({ status: 200, body: {} });
      expect((await call('GET', `${TASKS}/${id}`)).status).toBe(404);
      expect((await call('GET', TASKS)).body.total).toBe(0);
    });

    it('refuses a cancelled task with 409 InvalidAction', async () => {
      const { id } = (await call('POST', TASKS, textTask())).body;
      await call('DELETE', `${TASKS}/${id}`);
      const answer = await call('DELETE', `${TASKS}/${id}`);
      expect(answer.status).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'InvalidAction', type: 'Conflict' });
    });

    it('answers an unknown task with 404 ResourceNotFound', async () => {
      const answer = await call('DELETE', `${TASKS}/cgt-20260101000000-zzzzz`);
      expect(answer.status).toBe(404);
      expect(answer.body.error).toMatchObject({ code: 'ResourceNotFound', type: 'NotFound' });
    });

    it('forgets cancelled tasks after 24 hours', async () => {
      const { id } = (await call('POST', TASKS, textTask())).body;
      await call('DELETE', `${TASKS}/${id}`);
      sandbox.control.advance(DAY - 1000);
      expect((await call('GET', `${TASKS}/${id}`)).status).toBe(200);
      sandbox.control.advance(1000);
      expect((await call('GET', `${TASKS}/${id}`)).status).toBe(404);
    });
  });

  describe('asset:// references', () => {
    let client: ArkOpenApiClient;
    let groupId: string;

    beforeEach(async () => {
      sandbox.control.setAssetClock({ invisibleMs: 0 });
      client = new ArkOpenApiClient({
        baseUrl: sandbox.openApiUrl,
        accessKeyId: sandbox.accessKeyId,
        secretAccessKey: sandbox.secretAccessKey,
        region: 'ap-southeast-1',
        timeoutMs: 2000,
      });
      groupId = (await client.createAssetGroup({ Name: 'refs' })).Result.Id;
    });

    const newAsset = async (AssetType: 'Image' | 'Video' | 'Audio', URL = 'https://example.com/media') =>
      (await client.createAsset({ GroupId: groupId, URL, AssetType })).Result.Id;
    const withImage = (url: string) => textTask({ content: [textTask().content[0], { type: 'image_url', role: 'reference_image', image_url: { url } }] });

    it('accepts a task whose asset is Active and of the item type', async () => {
      const image = await newAsset('Image');
      const video = await newAsset('Video');
      sandbox.control.forceAssetOutcome(image, 'Active');
      sandbox.control.forceAssetOutcome(video, 'Active');
      const answer = await call(
        'POST',
        TASKS,
        textTask({
          content: [
            textTask().content[0],
            { type: 'video_url', role: 'reference_video', video_url: { url: `asset://${video}` } },
            { type: 'image_url', role: 'reference_image', image_url: { url: `asset://${image}` } },
          ],
        }),
      );
      expect(answer.status).toBe(200);
    });

    it('accepts the asset once it went Active on the clock', async () => {
      const image = await newAsset('Image');
      expect((await call('POST', TASKS, withImage(`asset://${image}`))).status).toBe(400);
      sandbox.control.advance(1500);
      expect((await call('POST', TASKS, withImage(`asset://${image}`))).status).toBe(200);
    });

    it('refuses an unknown asset with 400 InvalidParameter naming content[i].image_url.url', async () => {
      const answer = await call('POST', TASKS, withImage('asset://asset-20260101000000-zzzzz'));
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'InvalidParameter', param: 'content[1].image_url.url', type: 'BadRequest' });
      expect(answer.body.error.message).toContain('asset-20260101000000-zzzzz');
      expect((await call('GET', TASKS)).body.total).toBe(0);
    });

    it('refuses an asset that is still processing, or failed', async () => {
      const processing = await newAsset('Image');
      const failed = await newAsset('Image', 'https://cdn.example.invalid/x.png');
      sandbox.control.holdAsset(processing, 'Processing');
      sandbox.control.advance(1500);
      const busy = await call('POST', TASKS, withImage(`asset://${processing}`));
      expect(busy.body.error).toMatchObject({ code: 'InvalidParameter', param: 'content[1].image_url.url' });
      expect(busy.body.error.message).toContain('Processing');
      const broken = await call('POST', TASKS, withImage(`asset://${failed}`));
      expect(broken.body.error.message).toContain('Failed');
    });

    it('refuses an asset of another type than the item', async () => {
      const audio = await newAsset('Audio');
      sandbox.control.forceAssetOutcome(audio, 'Active');
      const answer = await call('POST', TASKS, withImage(`asset://${audio}`));
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/type Audio.*type Image/);
    });

    it('refuses an asset the API cannot see yet', async () => {
      sandbox.control.setAssetClock({ invisibleMs: 60_000, processingMs: 0 });
      const image = await newAsset('Image');
      expect(sandbox.control.asset(image)?.status).toBe('Active');
      expect((await call('POST', TASKS, withImage(`asset://${image}`))).body.error).toMatchObject({ param: 'content[1].image_url.url' });
    });
  });
});
