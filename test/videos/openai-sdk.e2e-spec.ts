import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI, { AuthenticationError, BadRequestError, NotFoundError, toFile } from 'openai';
import { startGateway, TASKS, type TestGateway } from '../support/test-gateway';
import { lastUpstreamCreate, upstreamCreates } from '../support/upstream-requests';

const SAMPLE_MP4 = readFileSync(join(__dirname, '../../libs/sandbox/assets/sample.mp4'));
const SAMPLE_PNG = readFileSync(join(__dirname, '../../libs/sandbox/assets/sample.png'));
const PROMPT = 'A paper boat drifting on a calm lake at dawn.';

/** The official `openai` npm SDK (6.49.0, multipart creates) driving the /v1/videos facade end to end. */
describe('the openai SDK against /v1/videos', () => {
  let gw: TestGateway;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  let client: OpenAI;
  /** The POST bodies the SDK sent (FormData is sent as multipart/form-data), to prove what it puts on the wire. */
  const sent: string[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    if (init?.method === 'POST')
      sent.push(init.body instanceof FormData ? 'multipart/form-data' : (new Headers(init.headers).get('content-type') ?? typeof init.body));
    return fetch(input, init);
  };
  const clientOf = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${gw.url}/v1`, maxRetries: 0, timeout: 10_000, fetch: recordingFetch });

  beforeAll(async () => {
    gw = await startGateway();
    a = await gw.newTenant({ media_policy: 'any' });
    b = await gw.newTenant({ media_policy: 'any' });
    client = clientOf(a.token);
  });
  afterAll(async () => gw?.close());
  beforeEach(() => gw.sandbox.control.clearRequests());

  async function untilDone(id: string, c = client): Promise<OpenAI.Videos.Video> {
    const until = Date.now() + 8000;
    for (;;) {
      const video = await c.videos.retrieve(id);
      if (video.status === 'completed' || video.status === 'failed') return video;
      if (Date.now() > until) throw new Error(`video ${id} still ${video.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('create → retrieve until completed → downloadContent gives the sandbox MP4 byte for byte', async () => {
    sent.length = 0;
    const created = await client.videos.create({ prompt: PROMPT, size: '720x1280', seconds: '4' });
    expect(sent).toEqual(['multipart/form-data']);
    expect(created).toMatchObject({
      object: 'video',
      status: 'queued',
      size: '720x1280',
      seconds: '4',
      model: 'dreamina-seedance-2-0',
      remixed_from_video_id: null,
    });
    expect(created.id).toMatch(/^video_/);
    expect(lastUpstreamCreate(gw.sandbox)).toMatchObject({ resolution: '720p', ratio: '9:16', duration: 4 });

    const done = await untilDone(created.id);
    expect(done).toMatchObject({ id: created.id, status: 'completed', progress: 100, error: null });
    expect(done.expires_at).toEqual(expect.any(Number));

    const response = await client.videos.downloadContent(created.id);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(SAMPLE_MP4);
    const thumbnail = await client.videos.downloadContent(created.id, { variant: 'thumbnail' });
    expect(Buffer.from(await thumbnail.arrayBuffer())).toEqual(SAMPLE_PNG);
  });

  it('create with an uploaded input_reference sends it upstream as the first frame', async () => {
    const image = await toFile(SAMPLE_PNG, 'first.png', { type: 'image/png' });
    const created = await client.videos.create({ prompt: PROMPT, input_reference: image });
    expect(created.status).toBe('queued');
    expect(lastUpstreamCreate(gw.sandbox)?.content).toEqual([
      { type: 'text', text: PROMPT },
      { type: 'image_url', role: 'first_frame', image_url: { url: `data:image/png;base64,${SAMPLE_PNG.toString('base64')}` } },
    ]);
    const native = await gw.call('GET', `${TASKS}?page_size=1`, { token: a.token });
    expect(native.body.items[0]).toMatchObject({ model: 'dreamina-seedance-2-0', resolution: '720p', ratio: '16:9', duration: 5 });
  });

  it('create with input_reference {image_url} (multipart nested field)', async () => {
    await client.videos.create({ prompt: PROMPT, input_reference: { image_url: 'https://example.com/first.png' } });
    expect(lastUpstreamCreate(gw.sandbox)?.content[1]).toEqual({ type: 'image_url', role: 'first_frame', image_url: { url: 'https://example.com/first.png' } });
  });

  it('list walks every page with the cursor (has_more / after), newest first', async () => {
    const t = await gw.newTenant();
    const own = clientOf(t.token);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await own.videos.create({ prompt: `${PROMPT} ${i}` })).id);
    const first = await own.videos.list({ limit: 2 });
    expect(first.data.map((v) => v.id)).toEqual([ids[4], ids[3]]);
    expect(first.has_more).toBe(true);
    const seen: string[] = [];
    for await (const video of own.videos.list({ limit: 2 })) seen.push(video.id);
    expect(seen).toEqual([...ids].reverse());
    const asc: string[] = [];
    for await (const video of own.videos.list({ limit: 3, order: 'asc' })) asc.push(video.id);
    expect(asc).toEqual(ids);
  });

  it('delete a finished video: deleted, then NotFoundError', async () => {
    const created = await client.videos.create({ prompt: PROMPT });
    await untilDone(created.id);
    expect(await client.videos.delete(created.id)).toEqual({ id: created.id, object: 'video.deleted', deleted: true });
    await expect(client.videos.retrieve(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('typed errors: BadRequestError for a size outside the table, NotFoundError for another tenant’s id, AuthenticationError for a bad token', async () => {
    const bad = await client.videos.create({ prompt: PROMPT, size: '1792x1024' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).error).toMatchObject({ type: 'invalid_request_error', param: 'size' });
    expect((bad as BadRequestError).message).toContain('1280x720');
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);

    const theirs = await clientOf(b.token).videos.create({ prompt: PROMPT });
    await expect(client.videos.retrieve(theirs.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.videos.downloadContent(theirs.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.videos.delete(theirs.id)).rejects.toBeInstanceOf(NotFoundError);

    await expect(clientOf('oh-not-a-real-token').videos.list()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(client.videos.remix(theirs.id, { prompt: 'again' })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('models.list gives the entitled stable names', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['dreamina-seedance-2-0', 'dreamina-seedance-2-0-fast', 'dreamina-seedance-2-0-mini']);
  });
});
