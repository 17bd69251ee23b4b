/**
 * A create's base64 data URI of a megabyte or more is held as bytes behind a stand-in while the create is handled
 * (libs/byteplus/src/held-strings.ts; docs/contract.md §10). Whatever reads the whole string reads the original:
 * upstream receives the body exactly as sent, the stored snapshot's marker has the original's length and digest, an
 * Idempotency-Key's digest covers every character, and nothing stays held once the answer is out.
 */
import { heldCount } from '@arkgate/byteplus';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TaskEntity } from '../../src/tasks/task.entity';
import { VideoEntity } from '../../src/videos/video.entity';
import { testTenantId } from '../support/tenant-id';
import { eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';
import { lastUpstreamCreate, upstreamCreates } from '../support/upstream-requests';

/** A data URI of `mb` megabytes of base64 (deterministic bytes; `variant` changes one byte deep in the payload). */
function image(mb: number, variant = 0): string {
  const bytes = Buffer.alloc(Math.floor((mb * 1024 * 1024 * 3) / 4));
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  bytes[bytes.length >> 1] ^= variant;
  return `data:image/png;base64,${bytes.toString('base64')}`;
}
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const body = (url: string) => ({
  model: 'dreamina-seedance-2-0-fast',
  content: [
    { type: 'text', text: 'A paper boat on calm water.' },
    { type: 'image_url', role: 'first_frame', image_url: { url } },
  ],
  resolution: '480p',
  ratio: '16:9',
  duration: 4,
});

let gw: TestGateway;
let tenant: { id: string; token: string };
beforeAll(async () => {
  gw = await startGateway();
  tenant = await gw.newTenant({ media_policy: 'any' });
});
afterAll(async () => gw?.close());
beforeEach(() => gw.sandbox.control.clearRequests());

const create = (b: unknown, headers?: Record<string, string>) => gw.call('POST', TASKS, { token: tenant.token, body: b, headers });

it('upstream receives the 3 MB image exactly as sent; the task record keeps its length and SHA-256; nothing stays held', async () => {
  const url = image(3);
  const res = await create(body(url));
  expect(res.status).toBe(200);
  const upstream = lastUpstreamCreate(gw.sandbox);
  expect(upstream?.content[1].image_url.url === url).toBe(true);
  expect({ ...upstream, content: [upstream?.content[0]] }).toEqual({
    ...body(url),
    model: 'dreamina-seedance-2-0-fast-260128',
    content: [body(url).content[0]],
  });

  const record = await gw.app.get(DataSource).getRepository(TaskEntity).findOneByOrFail({ taskId: res.body.id });
  const stored = (record.upstreamRequest.content as Array<{ image_url?: { url: string } }>)[1].image_url?.url;
  expect(stored).toBe(`data:image/png;base64,[inline media not stored: ${url.length} characters, sha256 ${sha256(url)}]`);
  expect(heldCount()).toBe(0);
});

it('an Idempotency-Key covers the whole image: the same body is the same task, one byte changed deep in the image is a conflict', async () => {
  const key = `held-${Date.now()}`;
  const first = await create(body(image(2)), { 'Idempotency-Key': key });
  expect(first.status).toBe(200);
  const again = await create(body(image(2)), { 'Idempotency-Key': key });
  expect(again.status).toBe(200);
  expect(again.body.id).toBe(first.body.id);
  const changed = await create(body(image(2, 1)), { 'Idempotency-Key': key });
  expect(image(2, 1).slice(0, 2000)).toBe(image(2).slice(0, 2000)); // the change is past what a stand-in keeps
  expect({ status: changed.status, code: changed.body?.error?.code }).toEqual({ status: 409, code: 'idempotency_key_reused' });
  expect(upstreamCreates(gw.sandbox)).toHaveLength(1);
  expect(heldCount()).toBe(0);
});

it('/v1/videos: an input_reference image of 2 MB reaches upstream whole as the first frame', async () => {
  const url = image(2);
  const res = await gw.call('POST', '/v1/videos', {
    token: tenant.token,
    body: { prompt: 'A paper boat on calm water.', input_reference: { image_url: url } },
  });
  expect(res.status).toBe(200);
  const upstream = lastUpstreamCreate(gw.sandbox);
  const frame = (upstream?.content as Array<{ role?: string; image_url?: { url: string } }>).find((c) => c.role === 'first_frame');
  expect(frame?.image_url?.url === url).toBe(true);
  const video = await gw.app.get(DataSource).getRepository(VideoEntity).findOneByOrFail({ id: res.body.id });
  expect(video.taskId).toBeTruthy();
  expect(heldCount()).toBe(0);
});

it('/v1/videos: an uploaded 3 MB image (multipart) reaches upstream whole as its data URI, made off the event loop', async () => {
  const bytes = Buffer.from(image(3).slice('data:image/png;base64,'.length), 'base64');
  const form = new FormData();
  form.append('prompt', 'A paper boat on calm water.');
  form.append('input_reference', new Blob([bytes], { type: 'image/png' }), 'first.png');
  const res = await fetch(`${gw.url}/v1/videos`, { method: 'POST', headers: { authorization: `Bearer ${tenant.token}` }, body: form });
  expect(res.status).toBe(200);
  const upstream = lastUpstreamCreate(gw.sandbox);
  const frame = (upstream?.content as Array<{ role?: string; image_url?: { url: string } }>).find((c) => c.role === 'first_frame');
  expect(frame?.image_url?.url === `data:image/png;base64,${bytes.toString('base64')}`).toBe(true);
  const record = await gw.app
    .get(DataSource)
    .getRepository(TaskEntity)
    .findOneByOrFail({
      taskId: (
        await gw.app
          .get(DataSource)
          .getRepository(VideoEntity)
          .findOneByOrFail({ id: ((await res.json()) as { id: string }).id })
      ).taskId!,
    });
  expect(JSON.stringify(record.upstreamRequest)).toContain(`sha256 ${sha256(`data:image/png;base64,${bytes.toString('base64')}`)}`);
  expect(heldCount()).toBe(0);
});

it('/v1/videos: an upload of a type not accepted (400) and one over 30 MB (413) send nothing upstream and hold nothing', async () => {
  const send = async (blob: Blob) => {
    const form = new FormData();
    form.append('prompt', 'A paper boat on calm water.');
    form.append('input_reference', blob, 'first.bin');
    const res = await fetch(`${gw.url}/v1/videos`, { method: 'POST', headers: { authorization: `Bearer ${tenant.token}` }, body: form });
    return { status: res.status, type: ((await res.json()) as { error?: { type?: string } }).error?.type };
  };
  expect(await send(new Blob([Buffer.alloc(2 * 1024 * 1024, 1)], { type: 'text/plain' }))).toEqual({ status: 400, type: 'invalid_request_error' });
  expect(await send(new Blob([Buffer.alloc(31 * 1024 * 1024, 1)], { type: 'image/png' }))).toEqual({ status: 413, type: 'invalid_request_error' });
  expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
  await eventually(
    async () => heldCount(),
    (n) => n === 0,
  );
});

it('a client that hangs up while its create is upstream: the create completes with the whole image and its string is released', async () => {
  const url = image(2, 7); // an image no other test sends
  gw.sandbox.control.addFault({ op: 'create', kind: 'latency', ms: 1000 });
  const abort = new AbortController();
  const sent = fetch(gw.url + TASKS, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body(url)),
    signal: abort.signal,
  }).catch((err: unknown) => err);
  await eventually(
    async () => upstreamCreates(gw.sandbox).length,
    (n) => n === 1,
  );
  abort.abort();
  expect(await sent).toHaveProperty('name', 'AbortError');
  expect(lastUpstreamCreate(gw.sandbox)?.content[1].image_url.url === url).toBe(true);
  await eventually(
    async () => heldCount(),
    (n) => n === 0,
  );
  const records = await eventually(
    () =>
      gw.app
        .get(DataSource)
        .getRepository(TaskEntity)
        .findBy({ tenantId: testTenantId(tenant.id) }),
    (rows) => rows.some((r) => JSON.stringify(r.upstreamRequest).includes(sha256(url)) && r.taskId !== null),
  );
  expect(records.filter((r) => JSON.stringify(r.upstreamRequest).includes(sha256(url)))).toHaveLength(1);
});

it('a large string that is not a base64 data URI is not held: a 1.5 MB prompt goes upstream as a plain string', async () => {
  const res = await create({ ...body(image(0.01)), content: [{ type: 'text', text: 'x'.repeat(1.5 * 1024 * 1024) }] });
  expect(res.status).toBe(200);
  expect(lastUpstreamCreate(gw.sandbox)?.content[0].text).toHaveLength(1.5 * 1024 * 1024);
  expect(heldCount()).toBe(0);
});
