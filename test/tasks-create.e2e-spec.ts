import { CREATE_EXAMPLES } from '../src/tasks/dto/task-examples';
import { startGateway, TASKS, type TestGateway } from './support/test-gateway';
import { lastUpstreamCreate, upstreamCreates } from './support/upstream-requests';

const text = (t = 'A paper boat on calm water.') => ({ type: 'text', text: t });
const img = (url: string, role?: string) => ({ type: 'image_url', ...(role ? { role } : {}), image_url: { url } });
const vid = (url: string) => ({ type: 'video_url', role: 'reference_video', video_url: { url } });
const aud = (url: string) => ({ type: 'audio_url', role: 'reference_audio', audio_url: { url } });
const base = (extra: Record<string, unknown> = {}) => ({ model: 'dreamina-seedance-2-0', content: [text()], duration: 5, ...extra });

describe.each(['phanedge', 'kapon'] as const)('task create (%s profile)', (profile) => {
  let gw: TestGateway;
  let any: { id: string; token: string };
  let assetOnly: { id: string; token: string };
  const assetCode = profile === 'phanedge' ? 'ResourceNotFound.Asset' : 'asset_not_found';
  const unavailable = profile === 'phanedge' ? 'service_unavailable' : 'channel_not_available';

  beforeAll(async () => {
    gw = await startGateway({ profile });
    any = await gw.newTenant({ media_policy: 'any' });
    assetOnly = await gw.newTenant({ media_policy: 'asset_only' });
  });
  afterAll(async () => gw?.close());
  beforeEach(() => gw.sandbox.control.clearRequests());

  const create = (body: unknown, token = any.token, headers?: Record<string, string>) => gw.call('POST', TASKS, { token, body, headers });
  const expectRefused = async (body: unknown, status: number, code: string, param?: string, token = any.token) => {
    const res = await create(body, token);
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    if (param !== undefined) expect(res.body.error.param).toBe(param);
    expect(typeof res.body.error.message).toBe('string');
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
    return res;
  };

  describe('seed examples', () => {
    it('4K standard text-to-video with callback: returns only {id}, upstream gets the official version and every field', async () => {
      const body = CREATE_EXAMPLES.fourK.value;
      const res = await create(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: expect.stringMatching(/^cgt-\d{14}-[a-z0-9]{5}$/) });
      expect(lastUpstreamCreate(gw.sandbox)).toEqual({ ...body, model: 'dreamina-seedance-2-0-260128' });
    });

    it('fast 480p example of the older page', async () => {
      const res = await create(CREATE_EXAMPLES.fast480p.value);
      expect(res.status).toBe(200);
      expect(lastUpstreamCreate(gw.sandbox)?.model).toBe('dreamina-seedance-2-0-fast-260128');
    });

    it('video edit and extension with asset:// references the tenant does not own → 404 asset code, no upstream call', async () => {
      for (const example of [CREATE_EXAMPLES.videoEdit, CREATE_EXAMPLES.videoExtend, CREATE_EXAMPLES.assetImage]) {
        const res = await expectRefused(example.value, 404, assetCode);
        expect(res.body.error.message).toContain('asset-20260611');
      }
    });

    it('video edit with plain URLs passes under the `any` media policy', async () => {
      const body = {
        ...CREATE_EXAMPLES.videoEdit.value,
        content: [text('Edit Video 1 with Image 1 as style.'), vid('https://example.com/in.mp4'), img('https://example.com/style.png', 'reference_image')],
      };
      expect((await create(body)).status).toBe(200);
      expect(lastUpstreamCreate(gw.sandbox)?.content).toEqual(body.content);
    });

    it('forward/backward extension (1 clip) and joins of 2 and 3 clips pass', async () => {
      for (const n of [1, 2, 3]) {
        const clips = Array.from({ length: n }, (_, i) => vid(`https://example.com/clip${i}.mp4`));
        expect((await create(base({ content: [text('Join the clips in order.'), ...clips] }))).status).toBe(200);
      }
    });

    it('plain URLs are refused under asset_only, naming the item', async () => {
      await expectRefused(base({ content: [text(), vid('https://example.com/in.mp4')] }), 400, 'invalid_request', 'content[1].video_url.url', assetOnly.token);
      await expectRefused(
        base({ content: [text(), img('data:image/png;base64,iVBORw0KGgo=', 'first_frame')] }),
        400,
        'invalid_request',
        'content[1].image_url.url',
        assetOnly.token,
      );
    });

    it('text-only works under asset_only', async () => {
      expect((await create(base(), assetOnly.token)).status).toBe(200);
    });
  });

  describe('model names (docs/contract.md §2)', () => {
    it.each([
      ['dreamina-seedance-2-0-260128', 'dreamina-seedance-2-0'],
      ['dreamina-seedance-2-0-fast-260128', 'dreamina-seedance-2-0-fast'],
      ['dreamina-seedance-2-0-mini-260615', 'dreamina-seedance-2-0-mini'],
    ])('alias %s is accepted and echoed as %s', async (alias, stable) => {
      const res = await create(base({ model: alias, resolution: '480p' }));
      expect(res.status).toBe(200);
      expect(lastUpstreamCreate(gw.sandbox)?.model).toBe(alias);
      const got = await gw.call('GET', `${TASKS}/${res.body.id}`, { token: any.token });
      expect(got.body.model).toBe(stable);
      const listed = await gw.call('GET', `${TASKS}?filter.task_ids=${res.body.id}`, { token: any.token });
      expect(listed.body.items[0].model).toBe(stable);
    });

    it.each([
      ['seedance-2-0', 'dreamina-seedance-2-0'],
      ['seedance-2-0-260128', 'dreamina-seedance-2-0'],
      ['seedance-2-0-fast', 'dreamina-seedance-2-0-fast'],
      ['seedance-2-0-fast-260128', 'dreamina-seedance-2-0-fast'],
      ['seedance-2-0-mini', 'dreamina-seedance-2-0-mini'],
      ['dreamina-seedance-2.0-mini', 'dreamina-seedance-2-0-mini'],
      ['dreamina-seedance-2-0-filter-off-260128', 'dreamina-seedance-2-0-filter-off'],
      ['dreamina-seedance-2-0-260128-filter-off', 'dreamina-seedance-2-0-filter-off'],
      ['dreamina-seedance-2-0-fast-filter-off-260128', 'dreamina-seedance-2-0-fast-filter-off'],
      ['dreamina-seedance-2-0-fast-260128-filter-off', 'dreamina-seedance-2-0-fast-filter-off'],
      ['doubao-seedance-2-0-fast', 'dreamina-seedance-2-0-fast'],
      ['doubao-seedance-2-0-mini', 'dreamina-seedance-2-0-mini'],
      ['not-a-model', 'dreamina-seedance-2-0'],
    ])('refuses %s with 400 invalid_request naming %s', async (name, instead) => {
      const res = await expectRefused(base({ model: name }), 400, 'invalid_request', 'model');
      expect(res.body.error.message).toContain(instead);
    });
  });

  describe('Filter-Off (docs/contract.md §2, §12 model_mapping_required)', () => {
    let granted: { id: string; token: string };
    beforeAll(async () => {
      granted = await gw.newTenant({
        media_policy: 'any',
        entitlements: { models: ['dreamina-seedance-2-0', 'dreamina-seedance-2-0-filter-off', 'dreamina-seedance-2-0-fast-filter-off'] },
      });
    });
    afterEach(async () => {
      await gw.admin('DELETE', '/admin/model-mappings/dreamina-seedance-2-0-filter-off');
      await gw.admin('DELETE', '/admin/model-mappings/dreamina-seedance-2-0');
    });

    it('without a grant the model is not available (503)', async () => {
      await expectRefused(CREATE_EXAMPLES.filterOff.value, 503, unavailable, 'model');
    });

    it('granted but unmapped → 503 model_mapping_required, never a silent fallback', async () => {
      await expectRefused(CREATE_EXAMPLES.filterOff.value, 503, 'model_mapping_required', 'model', granted.token);
    });

    it('mapped to an exact Filter-Off version: upstream gets it, GET echoes the Filter-Off name', async () => {
      const put = await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-filter-off', { upstream_model: 'ep-20260611-filteroff' });
      expect(put.status).toBe(200);
      const res = await create(CREATE_EXAMPLES.filterOff.value, granted.token);
      expect(res.status).toBe(200);
      expect(lastUpstreamCreate(gw.sandbox)?.model).toBe('ep-20260611-filteroff');
      const got = await gw.call('GET', `${TASKS}/${res.body.id}`, { token: granted.token });
      expect(got.body.model).toBe('dreamina-seedance-2-0-filter-off');
    });

    it('a mapping that became a normal model (normal model re-pinned onto it) → 503 at create', async () => {
      await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-filter-off', { upstream_model: 'ep-shared' });
      // the admin API refuses pointing a normal model at it…
      const clash = await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0', { upstream_model: 'ep-shared' });
      expect(clash.status).toBe(400);
      // …so the Filter-Off mapping stays usable
      expect((await create(CREATE_EXAMPLES.filterOff.value, granted.token)).status).toBe(200);
    });

    it('Filter-Off keeps its family capabilities: fast-filter-off refuses 1080p', async () => {
      await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-fast-filter-off', { upstream_model: 'ep-fast-filteroff' });
      await expectRefused(
        { ...CREATE_EXAMPLES.filterOff.value, model: 'dreamina-seedance-2-0-fast-filter-off', resolution: '1080p' },
        400,
        'invalid_request',
        'resolution',
        granted.token,
      );
      await gw.admin('DELETE', '/admin/model-mappings/dreamina-seedance-2-0-fast-filter-off');
    });
  });

  describe('body and field validation (docs/contract.md §5 invalid_request / invalid_duration)', () => {
    it('a body that is not JSON → 400 invalid_request', async () => {
      const res = await gw.call('POST', TASKS, { token: any.token, rawBody: '{"model": ', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', type: 'BadRequest' });
    });

    it.each([
      ['an array', []],
      ['a string', 'hello'],
      ['a number', 42],
    ])('a body that is %s → 400 invalid_request', async (_, body) => {
      await expectRefused(body, 400, 'invalid_request');
    });

    it.each([
      ['no model', { content: [text()] }, 'model'],
      ['model null', { model: null, content: [text()] }, 'model'],
      ['model not a string', { model: 7, content: [text()] }, 'model'],
      ['no content', { model: 'dreamina-seedance-2-0' }, 'content'],
      ['empty content', { model: 'dreamina-seedance-2-0', content: [] }, 'content'],
      ['content not an array', { model: 'dreamina-seedance-2-0', content: 'hi' }, 'content'],
      ['unknown item type', { model: 'dreamina-seedance-2-0', content: [{ type: 'draft_task', draft_task: { id: 'x' } }] }, 'content[0].type'],
      ['text item without text', { model: 'dreamina-seedance-2-0', content: [{ type: 'text' }] }, 'content[0].text'],
      ['image item without url', { model: 'dreamina-seedance-2-0', content: [text(), { type: 'image_url', image_url: {} }] }, 'content[1].image_url.url'],
      [
        'image item with a bad scheme',
        { model: 'dreamina-seedance-2-0', content: [text(), img('ftp://example.com/a.png', 'first_frame')] },
        'content[1].image_url.url',
      ],
    ])('%s → 400 invalid_request naming the field', async (_, body, param) => {
      await expectRefused(body, 400, 'invalid_request', param);
    });

    it.each([3, 16, 0, -2, 4.5, '5', true, 100])('duration %p → 400 invalid_duration', async (duration) => {
      await expectRefused(base({ duration }), 400, 'invalid_duration', 'duration');
    });

    it.each([4, 15, -1])('duration %p is accepted', async (duration) => {
      expect((await create(base({ duration }))).status).toBe(200);
    });

    it.each([
      ['ratio', '5:4'],
      ['ratio', 16],
      ['resolution', '2k'],
      ['resolution', '720P'],
      ['execution_expires_after', 3599],
      ['execution_expires_after', 259201],
      ['execution_expires_after', '3600'],
      ['priority', 10],
      ['priority', -1],
      ['priority', 1.5],
      ['safety_identifier', 'x'.repeat(65)],
      ['safety_identifier', 12],
      ['service_tier', 'premium'],
      ['generate_audio', 'false'],
      ['watermark', 1],
      ['return_last_frame', 'yes'],
      ['camera_fixed', 'no'],
      ['draft', 'true'],
      ['seed', -2],
      ['seed', 4294967296],
      ['frames', 'many'],
      ['callback_url', 42],
    ])('%s = %p → 400 invalid_request with that param', async (field, value) => {
      await expectRefused(base({ [field]: value }), 400, 'invalid_request', field);
    });

    it.each(['adaptive', '16:9', '9:16', '1:1', '4:3', '3:4', '21:9'])('ratio %s is accepted', async (ratio) => {
      expect((await create(base({ ratio }))).status).toBe(200);
    });

    it('null in any optional field means absent and is not forwarded', async () => {
      const res = await create(base({ ratio: null, seed: null, callback_url: null, watermark: null, priority: null }));
      expect(res.status).toBe(200);
      const sent = lastUpstreamCreate(gw.sandbox) as Record<string, unknown>;
      for (const k of ['ratio', 'seed', 'callback_url', 'watermark', 'priority']) expect(k in sent).toBe(false);
    });

    it('unknown top-level fields are forwarded unchanged', async () => {
      const res = await create(base({ future_option: { a: [1, 2] }, tools: ['x'] }));
      expect(res.status).toBe(200);
      expect(lastUpstreamCreate(gw.sandbox)).toMatchObject({ future_option: { a: [1, 2] }, tools: ['x'] });
    });

    it('X-Client-Request-Id is kept as the request id and sent upstream', async () => {
      const res = await create(base(), any.token, { 'X-Client-Request-Id': 'client-req-42' });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('client-req-42');
      const sent = gw.sandbox.control.requests().find((r) => r.op === 'create');
      expect(sent?.headers['x-client-request-id']).toBe('client-req-42');
    });
  });

  describe('capabilities (docs/contract.md §2, §2.1, mini limits)', () => {
    it.each([
      ['dreamina-seedance-2-0-fast', '1080p'],
      ['dreamina-seedance-2-0-fast', '4k'],
      ['dreamina-seedance-2-0-mini', '1080p'],
      ['dreamina-seedance-2-0-mini', '4k'],
    ])('%s refuses %s before any upstream call', async (model, resolution) => {
      const res = await expectRefused(base({ model, resolution }), 400, 'invalid_request', 'resolution');
      expect(res.body.error.message).toContain('480p / 720p');
    });

    it.each(['480p', '720p', '1080p', '4k'])('the standard model accepts %s', async (resolution) => {
      expect((await create(base({ resolution }))).status).toBe(200);
    });

    it('mini refuses audio reference, references.audio, service_tier=flex and draft=true', async () => {
      const mini = (extra: Record<string, unknown>) => base({ model: 'dreamina-seedance-2-0-mini', resolution: '720p', ...extra });
      await expectRefused(mini({ content: [text(), vid('https://example.com/v.mp4'), aud('https://example.com/a.mp3')] }), 400, 'invalid_request', 'content');
      await expectRefused(mini({ references: { audio: ['https://example.com/a.mp3'] } }), 400, 'invalid_request', 'content');
      await expectRefused(mini({ service_tier: 'flex' }), 400, 'invalid_request', 'service_tier');
      await expectRefused(mini({ draft: true }), 400, 'invalid_request', 'draft');
      expect((await create(mini({ service_tier: 'default', draft: false }))).status).toBe(200);
    });
  });

  describe('content roles and counts (docs/contract.md §3)', () => {
    const u = (n: number) => `https://example.com/${n}.png`;
    it.each([
      ['first frame only', [text(), img(u(1), 'first_frame')]],
      ['one image without role (first frame)', [text(), img(u(1))]],
      ['first + last frame', [text(), img(u(1), 'first_frame'), img(u(2), 'last_frame')]],
      ['9 reference images', [text(), ...Array.from({ length: 9 }, (_, i) => img(u(i), 'reference_image'))]],
      [
        'images + 3 videos + audio',
        [
          text(),
          img(u(1), 'reference_image'),
          vid('https://example.com/a.mp4'),
          vid('https://example.com/b.mp4'),
          vid('https://example.com/c.mp4'),
          aud('https://example.com/a.mp3'),
        ],
      ],
      [
        'video + 3 audio',
        [text(), vid('https://example.com/a.mp4'), aud('https://example.com/1.mp3'), aud('https://example.com/2.mp3'), aud('https://example.com/3.mp3')],
      ],
      ['base64 image and audio', [text(), img('data:image/png;base64,iVBORw0KGgo=', 'reference_image'), aud('data:audio/mp3;base64,SUQz')]],
    ])('%s passes', async (_, content) => {
      expect((await create(base({ content }))).status).toBe(200);
    });

    it.each([
      ['last frame alone', [text(), img(u(1), 'last_frame')], 'content[1].role'],
      ['two first frames', [text(), img(u(1), 'first_frame'), img(u(2), 'first_frame')], 'content[2].role'],
      ['three frame images', [text(), img(u(1), 'first_frame'), img(u(2), 'last_frame'), img(u(3))], 'content[3]'],
      ['frame mixed with reference', [text(), img(u(1), 'first_frame'), img(u(2), 'reference_image')], 'content[2]'],
      ['10 reference images', [text(), ...Array.from({ length: 10 }, (_, i) => img(u(i), 'reference_image'))], 'content'],
      ['4 videos', [text(), ...Array.from({ length: 4 }, (_, i) => vid(`https://example.com/${i}.mp4`))], 'content'],
      ['4 audio', [text(), vid('https://example.com/v.mp4'), ...Array.from({ length: 4 }, (_, i) => aud(`https://example.com/${i}.mp3`))], 'content'],
      ['audio as the only reference', [text(), aud('https://example.com/a.mp3')], 'content'],
      [
        'more than 12 references',
        [
          text(),
          ...Array.from({ length: 9 }, (_, i) => img(u(i), 'reference_image')),
          ...Array.from({ length: 3 }, (_, i) => vid(`https://example.com/${i}.mp4`)),
          aud('https://example.com/a.mp3'),
        ],
        'content',
      ],
      ['video without reference_video role', [text(), { type: 'video_url', video_url: { url: 'https://example.com/v.mp4' } }], 'content[1].role'],
      [
        'audio with an image role',
        [text(), vid('https://example.com/v.mp4'), { type: 'audio_url', role: 'reference_image', audio_url: { url: 'https://example.com/a.mp3' } }],
        'content[2].role',
      ],
      ['image with a video role', [text(), img(u(1), 'reference_video')], 'content[1].role'],
      ['base64 video', [text(), vid('data:video/mp4;base64,AAAA')], 'content[1].video_url.url'],
    ])('%s → 400 invalid_request', async (_, content, param) => {
      await expectRefused(base({ content }), 400, 'invalid_request', param);
    });
  });

  describe('callback_url (docs/contract.md §3 native callback)', () => {
    it('CallbackURL is normalised to callback_url and never forwarded under its old name', async () => {
      const res = await create(base({ CallbackURL: 'https://example.com/cb' }));
      expect(res.status).toBe(200);
      const sent = lastUpstreamCreate(gw.sandbox) as Record<string, unknown>;
      expect(sent.callback_url).toBe('https://example.com/cb');
      expect('CallbackURL' in sent).toBe(false);
    });

    it('callback_url wins when both are sent', async () => {
      await create(base({ CallbackURL: 'https://example.com/old', callback_url: 'https://cb.example.org/new' }));
      const sent = lastUpstreamCreate(gw.sandbox) as Record<string, unknown>;
      expect(sent.callback_url).toBe('https://cb.example.org/new');
      expect('CallbackURL' in sent).toBe(false);
    });

    it('surrounding whitespace is trimmed', async () => {
      await create(base({ callback_url: '  https://example.com/cb  ' }));
      expect(lastUpstreamCreate(gw.sandbox)?.callback_url).toBe('https://example.com/cb');
    });

    it.each([
      '',
      '   ',
      'http://example.com/cb',
      'https://internal.example.com/cb',
      'https://localhost/cb',
      'https://127.0.0.1/cb',
      'https://2130706433/cb',
      'https://0x7f.1/cb',
      'https://[::1]/cb',
      'https://[::ffff:127.0.0.1]/cb',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/cb',
      'https://10.0.0.1/cb',
      'https://unknown-host.invalid/cb',
    ])('%p is refused with 400 before any upstream call', async (url) => {
      await expectRefused(base({ callback_url: url }), 400, 'invalid_request', 'callback_url');
    });

    it('a refused CallbackURL alias is reported as callback_url', async () => {
      await expectRefused(base({ CallbackURL: 'https://10.0.0.1/cb' }), 400, 'invalid_request', 'callback_url');
    });
  });

  describe('entitlements and status (docs/contract.md §5 503)', () => {
    it('a tenant without video generation → 503', async () => {
      const t = await gw.newTenant({ entitlements: { video_generation: false } });
      await expectRefused(base(), 503, unavailable, undefined, t.token);
    });

    it('a tenant not enabled for the model → 503 naming the model', async () => {
      const t = await gw.newTenant({ entitlements: { models: ['dreamina-seedance-2-0-fast'] } });
      const res = await expectRefused(base(), 503, unavailable, 'model', t.token);
      expect(res.body.error.message).toContain('dreamina-seedance-2-0');
    });

    it('a suspended tenant → 503 on every call', async () => {
      const t = await gw.newTenant();
      await gw.admin('PATCH', `/admin/tenants/${t.id}`, { status: 'suspended' });
      await expectRefused(base(), 503, unavailable, undefined, t.token);
      expect((await gw.call('GET', TASKS, { token: t.token })).status).toBe(503);
    });
  });

  describe('upstream answers', () => {
    it('an upstream 4xx passes through with its status and body, and the task is not listed', async () => {
      const body = {
        error: {
          code: 'InvalidParameter',
          message: 'The parameter `content[1].image_url` specified in the request is not valid: resource download failed.',
          param: 'content[1].image_url',
          type: 'BadRequest',
        },
      };
      gw.sandbox.control.addFault({ op: 'create', kind: 'status', status: 400, body });
      const t = await gw.newTenant({ media_policy: 'any' });
      const res = await create(base(), t.token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(body);
      expect((await gw.call('GET', TASKS, { token: t.token })).body).toEqual({ items: [], total: 0 });
    });

    it.each([
      ['a 500', { op: 'create', kind: 'status', status: 500 }],
      ['a 503', { op: 'create', kind: 'status', status: 503 }],
      ['a connection reset', { op: 'create', kind: 'reset' }],
      ['a hang past ARK_TIMEOUT_MS', { op: 'create', kind: 'hang' }],
    ] as const)('%s → 502 in the profile code', async (_, fault) => {
      gw.sandbox.control.addFault({ ...fault });
      const res = await create(base());
      expect(res.status).toBe(502);
      expect(res.body.error).toMatchObject({ code: profile === 'phanedge' ? 'service_error' : 'upstream_error', type: 'BadGateway' });
    });
  });
});

describe('request size limit', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { ARKGATE_MAX_BODY_MB: '1' } });
  });
  afterAll(async () => gw?.close());

  it('a body over ARKGATE_MAX_BODY_MB → 413 in the native shape', async () => {
    const t = await gw.newTenant({ media_policy: 'any' });
    const big = 'x'.repeat(1024 * 1024 + 10);
    const res = await gw.call('POST', TASKS, { token: t.token, body: base({ content: [text(big)] }) });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'request_too_large', type: 'PayloadTooLarge' });
  });
});
