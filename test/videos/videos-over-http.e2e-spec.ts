import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { sizesFor } from '../../src/videos/video-sizes';
import { modelSpec } from '../../src/catalog/catalog-rules';
import { VideoEntity } from '../../src/videos/video.entity';
import { ledger } from '../support/billing';
import { eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';
import { lastUpstreamCreate, upstreamCreates } from '../support/upstream-requests';

const SAMPLE_MP4 = readFileSync(join(__dirname, '../../libs/sandbox/assets/sample.mp4'));
const SAMPLE_PNG = readFileSync(join(__dirname, '../../libs/sandbox/assets/sample.png'));
const VIDEO_KEYS = [
  'completed_at',
  'created_at',
  'error',
  'expires_at',
  'id',
  'model',
  'object',
  'progress',
  'prompt',
  'remixed_from_video_id',
  'seconds',
  'size',
  'status',
];
const PROMPT = 'A paper boat drifting on a calm lake at dawn.';

/** docs/contract.md §11 over raw HTTP: JSON and multipart creates, the size table, streamed content, scoping and billing. */
describe('/v1/videos over HTTP', () => {
  let gw: TestGateway;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  let assetOnly: { id: string; token: string };

  beforeAll(async () => {
    gw = await startGateway();
    a = await gw.newTenant({ media_policy: 'any' });
    b = await gw.newTenant({ media_policy: 'any' });
    assetOnly = await gw.newTenant({ media_policy: 'asset_only' });
  });
  afterAll(async () => gw?.close());
  beforeEach(() => {
    gw.sandbox.control.clearRequests();
    gw.sandbox.control.holdAll(null);
  });

  const create = (body: unknown, token = a.token, headers?: Record<string, string>) => gw.call('POST', '/v1/videos', { token, body, headers });
  const taskIdOf = async (videoId: string) => (await gw.app.get(DataSource).getRepository(VideoEntity).findOneByOrFail({ id: videoId })).taskId as string;
  const completed = (id: string, token = a.token) =>
    eventually(
      () => gw.call('GET', `/v1/videos/${id}`, { token }),
      (r) => r.body.status !== 'queued' && r.body.status !== 'in_progress',
    );
  const multipart = (form: FormData, token = a.token) =>
    fetch(`${gw.url}/v1/videos`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as Record<string, any>,
    }));

  it('a JSON create is one task: the Video object with exactly its keys, seconds as a string, visible natively by its cgt- id', async () => {
    const res = await create({ prompt: PROMPT });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(VIDEO_KEYS);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^video_[0-9a-f]{32}$/),
      object: 'video',
      model: 'dreamina-seedance-2-0',
      status: 'queued',
      progress: 0,
      prompt: PROMPT,
      size: '1280x720',
      seconds: '5',
      remixed_from_video_id: null,
      completed_at: null,
      expires_at: null,
      error: null,
    });
    expect(upstreamCreates(gw.sandbox)).toHaveLength(1);
    expect(lastUpstreamCreate(gw.sandbox)).toEqual({
      model: 'dreamina-seedance-2-0-260128',
      content: [{ type: 'text', text: PROMPT }],
      resolution: '720p',
      ratio: '16:9',
      duration: 5,
      return_last_frame: true,
    });

    const taskId = await taskIdOf(res.body.id);
    const native = await gw.call('GET', `${TASKS}/${taskId}`, { token: a.token });
    expect(native.status).toBe(200);
    expect(native.body).toMatchObject({ id: taskId, model: 'dreamina-seedance-2-0', resolution: '720p', ratio: '16:9', duration: 5 });
    const list = await gw.call('GET', `${TASKS}?filter.task_ids=${taskId}`, { token: a.token });
    expect(list.body.items.map((t: { id: string }) => t.id)).toEqual([taskId]);

    const done = await completed(res.body.id);
    expect(done.body).toMatchObject({ id: res.body.id, status: 'completed', progress: 100, seconds: '5', error: null });
    expect(done.body.completed_at).toBeGreaterThanOrEqual(done.body.created_at);
    expect(done.body.expires_at).toBe(done.body.completed_at + 24 * 3600);
  });

  it('a multipart create (what the openai SDK sends) with fields as strings and an uploaded first frame', async () => {
    const form = new FormData();
    form.append('prompt', PROMPT);
    form.append('model', 'dreamina-seedance-2-0-fast');
    form.append('seconds', '4');
    form.append('size', '720x1280');
    form.append('generate_audio', 'false');
    form.append('seed', '42');
    form.append('input_reference', new Blob([SAMPLE_PNG], { type: 'image/png' }), 'first.png');
    const res = await multipart(form);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model: 'dreamina-seedance-2-0-fast', size: '720x1280', seconds: '4', status: 'queued' });
    expect(lastUpstreamCreate(gw.sandbox)).toEqual({
      model: 'dreamina-seedance-2-0-fast-260128',
      content: [
        { type: 'text', text: PROMPT },
        { type: 'image_url', role: 'first_frame', image_url: { url: `data:image/png;base64,${SAMPLE_PNG.toString('base64')}` } },
      ],
      resolution: '720p',
      ratio: '9:16',
      duration: 4,
      return_last_frame: true,
      generate_audio: false,
      seed: 42,
    });
  });

  it('multipart input_reference[image_url] (the SDK form of {"image_url"}) becomes the first frame', async () => {
    const form = new FormData();
    form.append('prompt', PROMPT);
    form.append('input_reference[image_url]', 'https://example.com/first.png');
    const res = await multipart(form);
    expect(res.status).toBe(200);
    expect(lastUpstreamCreate(gw.sandbox)?.content[1]).toEqual({ type: 'image_url', role: 'first_frame', image_url: { url: 'https://example.com/first.png' } });
  });

  it('an uploaded image under the asset_only media policy is refused before any upstream call', async () => {
    const form = new FormData();
    form.append('prompt', PROMPT);
    form.append('input_reference', new Blob([SAMPLE_PNG], { type: 'image/png' }), 'first.png');
    const res = await multipart(form, assetOnly.token);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'input_reference', code: 'invalid_request' });
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
  });

  it('every size of the table reaches upstream as its exact resolution and ratio', async () => {
    const sizes = sizesFor(modelSpec('dreamina-seedance-2-0')!);
    expect(sizes.size).toBe(24);
    for (const [size, { resolution, ratio }] of sizes) {
      const res = await create({ prompt: PROMPT, size, seconds: '4' });
      expect({ size, status: res.status, echoed: res.body.size }).toEqual({ size, status: 200, echoed: size });
      expect(lastUpstreamCreate(gw.sandbox)).toMatchObject({ resolution, ratio, duration: 4 });
    }
    expect(upstreamCreates(gw.sandbox)).toHaveLength(24);
  });

  it.each([
    ['1792x1024', 'dreamina-seedance-2-0'],
    ['1280x721', 'dreamina-seedance-2-0'],
    ['1920x1080', 'dreamina-seedance-2-0-fast'],
    ['3840x2160', 'dreamina-seedance-2-0-mini'],
  ])('size %s on %s → 400 listing the allowed sizes, nothing sent upstream', async (size, model) => {
    const res = await create({ prompt: PROMPT, size, model });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'size', code: 'invalid_request' });
    expect(res.body.error.message).toContain('1280x720');
    expect(res.body.error.message.includes('1920x1080,')).toBe(model === 'dreamina-seedance-2-0');
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
  });

  it('seconds outside "4"–"15", callback_url and unknown fields are refused in the OpenAI shape', async () => {
    const seconds = await create({ prompt: PROMPT, seconds: '16' });
    expect(seconds.status).toBe(400);
    expect(seconds.body).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: 'seconds', code: 'invalid_duration' } });
    expect((await create({ prompt: PROMPT, callback_url: 'https://example.com/cb' })).body.error.param).toBe('callback_url');
    expect((await create({ prompt: PROMPT, style: 'noir' })).body.error.param).toBe('style');
    const form = new FormData();
    form.append('prompt', 'a\u0000b');
    expect(await multipart(form)).toMatchObject({ status: 400, body: { error: { param: 'prompt' } } });
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
  });

  it('Range bytes=0-99 → 206 with the first 100 bytes of the MP4; without Range the whole MP4; the thumbnail is the last frame', async () => {
    const res = await create({ prompt: PROMPT });
    await completed(res.body.id);
    const url = `${gw.url}/v1/videos/${res.body.id}/content`;
    const auth = { authorization: `Bearer ${a.token}` };

    const part = await fetch(url, { headers: { ...auth, range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${SAMPLE_MP4.length}`);
    expect(part.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(SAMPLE_MP4.subarray(0, 100));

    const whole = await fetch(url, { headers: auth, redirect: 'manual' });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('location')).toBeNull();
    expect(Number(whole.headers.get('content-length'))).toBe(SAMPLE_MP4.length);
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(SAMPLE_MP4);

    const thumb = await fetch(`${url}?variant=thumbnail`, { headers: auth });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await thumb.arrayBuffer())).toEqual(SAMPLE_PNG);

    const unsatisfiable = await fetch(url, { headers: { ...auth, range: `bytes=${SAMPLE_MP4.length + 10}-` } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get('content-range')).toBe(`bytes */${SAMPLE_MP4.length}`);
  });

  it('content before completion → 404; the video is refreshed, not served from the upstream URL', async () => {
    gw.sandbox.control.holdAll('queued');
    const res = await create({ prompt: PROMPT });
    const content = await gw.call('GET', `/v1/videos/${res.body.id}/content`, { token: a.token });
    expect(content.status).toBe(404);
    expect(content.body.error).toMatchObject({ type: 'not_found_error', code: 'video_content_unavailable' });
    expect(JSON.stringify(content.body)).not.toContain(gw.sandbox.url);
  });

  it("another tenant's video: GET, content and DELETE all 404 and change nothing", async () => {
    const res = await create({ prompt: PROMPT });
    await completed(res.body.id);
    for (const [method, path] of [
      ['GET', `/v1/videos/${res.body.id}`],
      ['GET', `/v1/videos/${res.body.id}/content`],
      ['DELETE', `/v1/videos/${res.body.id}`],
    ]) {
      const other = await gw.call(method, path, { token: b.token });
      expect({ path, method, status: other.status, type: other.body.error.type, code: other.body.error.code }).toEqual({
        path,
        method,
        status: 404,
        type: 'not_found_error',
        code: 'video_not_found',
      });
    }
    expect((await gw.call('GET', '/v1/videos', { token: b.token })).body.data.map((v: { id: string }) => v.id)).not.toContain(res.body.id);
    expect((await gw.call('GET', `/v1/videos/${res.body.id}`, { token: a.token })).status).toBe(200);
  });

  it('a facade video is billed exactly as the same native task', async () => {
    const t = await gw.newTenant({ media_policy: 'any' });
    const facade = await create({ prompt: PROMPT, size: '1920x1080', seconds: '6' }, t.token);
    const facadeTask = await taskIdOf(facade.body.id);
    await completed(facade.body.id, t.token);
    const native = await gw.call('POST', TASKS, {
      token: t.token,
      body: { model: 'dreamina-seedance-2-0', content: [{ type: 'text', text: PROMPT }], resolution: '1080p', ratio: '16:9', duration: 6 },
    });
    await eventually(
      () => gw.call('GET', `${TASKS}/${native.body.id}`, { token: t.token }),
      (r) => r.body.status === 'succeeded',
    );
    const entries = await ledger(gw, t.id);
    const ofFacade = entries.find((e) => e.taskId === facadeTask);
    const ofNative = entries.find((e) => e.taskId === native.body.id);
    expect(ofFacade).toBeDefined();
    expect(ofNative).toBeDefined();
    expect({ sku: ofFacade!.sku, tokens: ofFacade!.tokens, amount: ofFacade!.amountNano }).toEqual({
      sku: ofNative!.sku,
      tokens: ofNative!.tokens,
      amount: ofNative!.amountNano,
    });
    expect(ofFacade!.sku).toBe('dreamina-seedance-2-0-1080p-novideo');
  });

  it('statuses: failed, expired and cancelled are failed with their code, never in progress', async () => {
    const failed = await create({ prompt: PROMPT });
    gw.sandbox.control.forceOutcome(await taskIdOf(failed.body.id), 'failed');
    expect((await completed(failed.body.id)).body).toMatchObject({ status: 'failed', error: { code: 'OutputVideoSensitiveContentDetected' } });

    const expired = await create({ prompt: PROMPT });
    gw.sandbox.control.forceOutcome(await taskIdOf(expired.body.id), 'expired');
    expect((await completed(expired.body.id)).body).toMatchObject({ status: 'failed', error: { code: 'expired' } });

    gw.sandbox.control.holdAll('queued');
    const cancelled = await create({ prompt: PROMPT });
    const taskId = await taskIdOf(cancelled.body.id);
    expect((await gw.call('DELETE', `${TASKS}/${taskId}`, { token: a.token })).status).toBe(200);
    expect((await gw.call('GET', `/v1/videos/${cancelled.body.id}`, { token: a.token })).body).toMatchObject({
      status: 'failed',
      error: { code: 'cancelled' },
    });
  });

  it('DELETE: a queued video is cancelled upstream and gone; an in-progress one → 409', async () => {
    gw.sandbox.control.holdAll('queued');
    const queued = await create({ prompt: PROMPT });
    const del = await gw.call('DELETE', `/v1/videos/${queued.body.id}`, { token: a.token });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ id: queued.body.id, object: 'video.deleted', deleted: true });
    expect((await gw.call('GET', `/v1/videos/${queued.body.id}`, { token: a.token })).status).toBe(404);
    expect((await gw.call('GET', `${TASKS}/${await taskIdOf(queued.body.id)}`, { token: a.token })).body.status).toBe('cancelled');

    gw.sandbox.control.holdAll('running');
    const running = await create({ prompt: PROMPT });
    await eventually(
      () => gw.call('GET', `/v1/videos/${running.body.id}`, { token: a.token }),
      (r) => r.body.status === 'in_progress',
    );
    const refused = await gw.call('DELETE', `/v1/videos/${running.body.id}`, { token: a.token });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ type: 'invalid_request_error', code: 'InvalidAction.RunningTaskDeletion' });
    expect(refused.headers.get('x-should-retry')).toBe('false');
    expect((await gw.call('GET', `/v1/videos/${running.body.id}`, { token: a.token })).body.status).toBe('in_progress');
  });

  it('list: cursor pagination with after, limit and order; has_more; only the caller’s videos', async () => {
    const t = await gw.newTenant();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create({ prompt: `${PROMPT} ${i}` }, t.token)).body.id);
    const first = await gw.call('GET', '/v1/videos?limit=2', { token: t.token });
    expect(first.body).toMatchObject({ object: 'list', first_id: ids[2], last_id: ids[1], has_more: true });
    expect(first.body.data.map((v: { id: string }) => v.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.data[0].prompt).toBe(`${PROMPT} 2`);
    const second = await gw.call('GET', `/v1/videos?limit=2&after=${first.body.last_id}`, { token: t.token });
    expect(second.body).toMatchObject({ data: [expect.objectContaining({ id: ids[0] })], has_more: false });
    const asc = await gw.call('GET', '/v1/videos?order=asc', { token: t.token });
    expect(asc.body.data.map((v: { id: string }) => v.id)).toEqual(ids);
    for (const bad of ['limit=0', 'limit=101', 'order=up', 'after=video_nope']) {
      const res = await gw.call('GET', `/v1/videos?${bad}`, { token: t.token });
      expect({ bad, status: res.status, type: res.body.error?.type }).toEqual({ bad, status: 400, type: 'invalid_request_error' });
    }
  });

  it('the same Idempotency-Key returns the same video and makes one upstream task', async () => {
    const headers = { 'Idempotency-Key': `videos-${Date.now()}` };
    const first = await create({ prompt: PROMPT }, a.token, headers);
    const again = await create({ prompt: PROMPT }, a.token, headers);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(upstreamCreates(gw.sandbox)).toHaveLength(1);
  });

  it('Sora-only routes → 400 unsupported_operation; no token → 401 authentication_error; unknown /v1 route → 404 not_found_error', async () => {
    const video = await create({ prompt: PROMPT });
    for (const [method, path] of [
      ['POST', `/v1/videos/${video.body.id}/remix`],
      ['POST', '/v1/videos/edits'],
      ['POST', '/v1/videos/extensions'],
      ['POST', '/v1/videos/characters'],
      ['GET', '/v1/videos/characters/char_1'],
    ]) {
      const res = await gw.call(method, path, { token: a.token, body: method === 'POST' ? { prompt: 'x' } : undefined });
      expect({ path, status: res.status, code: res.body.error.code, type: res.body.error.type }).toEqual({
        path,
        status: 400,
        code: 'unsupported_operation',
        type: 'invalid_request_error',
      });
    }
    const noToken = await gw.call('GET', '/v1/videos');
    expect(noToken.status).toBe(401);
    expect(noToken.body).toEqual({ error: { message: expect.any(String), type: 'authentication_error', param: null, code: 'unauthorized' } });
    const unknown = await gw.call('GET', '/v1/images', { token: a.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.type).toBe('not_found_error');
  });

  it('GET /v1/models lists the caller’s entitled stable names', async () => {
    const t = await gw.newTenant({ entitlements: { video_generation: true, asset_library: false, models: ['dreamina-seedance-2-0-fast'] } });
    const res = await gw.call('GET', '/v1/models', { token: t.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: 'list',
      data: [{ id: 'dreamina-seedance-2-0-fast', object: 'model', created: Date.UTC(2026, 0, 28) / 1000, owned_by: 'arkgate' }],
    });
    expect((await gw.call('GET', '/v1/models', { token: a.token })).body.data.map((m: { id: string }) => m.id)).toEqual([
      'dreamina-seedance-2-0',
      'dreamina-seedance-2-0-fast',
      'dreamina-seedance-2-0-mini',
    ]);
    const refused = await create({ prompt: PROMPT }, t.token);
    expect(refused.status).toBe(503);
    expect(refused.body.error.type).toBe('server_error');
  });

  it('Swagger documents the facade under its own tag, JSON and multipart, with examples', async () => {
    const doc = (await gw.call('GET', '/docs-json')).body;
    const create = doc.paths['/v1/videos'].post;
    expect(create.tags).toEqual(['videos']);
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(create.requestBody.content).sort()).toEqual(['application/json', 'multipart/form-data']);
    expect(create.requestBody.content['application/json'].examples.vertical4s.value.size).toBe('720x1280');
    expect(create.requestBody.content['multipart/form-data'].schema.properties.input_reference.oneOf[0].format).toBe('binary');
    expect(doc.paths['/v1/videos/{id}'].get.responses['200'].content['application/json'].schema.example.object).toBe('video');
    expect(doc.paths['/v1/models'].get.tags).toEqual(['videos']);
  });

  it('a facade create is audited as task.create with the exact upstream request', async () => {
    const t = await gw.newTenant();
    const res = await create({ prompt: PROMPT, size: '960x960' }, t.token);
    const taskId = await taskIdOf(res.body.id);
    const events = await gw.admin('GET', `/audit/events?tenant_id=${t.id}&action=task.create`);
    expect(events.status).toBe(200);
    const event = events.body.items.find((e: { target_id?: string; targetId?: string }) => (e.target_id ?? e.targetId) === taskId);
    expect(event).toBeDefined();
    expect(JSON.stringify(event)).toContain('"ratio":"1:1"');
  });

  it('rate limits and spend limits apply as on the native route', async () => {
    const limited = await gw.newTenant({ rate_limit_per_minute: 2 });
    await gw.call('GET', '/v1/videos', { token: limited.token });
    await gw.call('GET', '/v1/models', { token: limited.token });
    const third = await create({ prompt: PROMPT }, limited.token);
    expect(third.status).toBe(429);
    expect(third.body.error.type).toBe('rate_limit_error');
    expect(third.headers.get('retry-after')).toBeTruthy();

    const capped = await gw.newTenant({ spend_limit_usd: '0.10' });
    const refused = await create({ prompt: PROMPT, size: '3840x2160', seconds: '15' }, capped.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ type: 'permission_error', code: 'spend_limit_exceeded' });
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
  });

  it('multipart bodies reach only the facade: the native routes still refuse them as not JSON (400, never 500)', async () => {
    const form = new FormData();
    form.append('model', 'dreamina-seedance-2-0');
    for (const path of [TASKS, '/volcark/?Action=CreateAssetGroup&Version=2024-01-01']) {
      const res = await fetch(gw.url + path, { method: 'POST', headers: { authorization: `Bearer ${a.token}` }, body: form });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
    }
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
  });

  it('an asset:// first frame must be an Active asset of the caller (404 otherwise), as on the native route', async () => {
    const res = await create({ prompt: PROMPT, input_reference: { image_url: 'asset://asset-20260611210100-none1' } }, assetOnly.token);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ type: 'not_found_error', code: 'ResourceNotFound.Asset' });
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
  });

  it('an upload over 30 MB → 413 in the OpenAI shape, nothing sent upstream', async () => {
    const form = new FormData();
    form.append('prompt', PROMPT);
    form.append('input_reference', new Blob([Buffer.alloc(31 * 1024 * 1024)], { type: 'image/png' }), 'big.png');
    const res = await multipart(form);
    expect(res.status).toBe(413);
    expect(res.body.error.type).toBe('invalid_request_error');
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
  });
});
