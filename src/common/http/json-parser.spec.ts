import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { heldCount, heldString, HOLD_FROM_CHARS } from '@arkgate/byteplus';
import { JsonParser } from './json-parser';

/** The parser's worker thread, once one is running. */
const workerOf = (parser: JsonParser): Worker | undefined => (parser as unknown as { worker?: Worker }).worker;

describe('JsonParser (docs/contract.md §10: large bodies and uploads off the event loop)', () => {
  let parser: JsonParser;
  beforeEach(() => (parser = new JsonParser()));
  afterEach(() => parser.onModuleDestroy());

  it('parses a small body in place and a large one in its worker, with the same value', async () => {
    const small = { model: 'seedance', content: [{ type: 'text', text: '猫' }] };
    expect((await parser.parse(Buffer.from(JSON.stringify(small)))).value).toEqual(small);
    expect(workerOf(parser)).toBeUndefined();

    const large = { content: [{ type: 'text', text: 'x'.repeat(2 * 1024 * 1024) }] };
    expect((await parser.parse(Buffer.from('\ufeff' + JSON.stringify(large)))).value).toEqual(large);
    expect(workerOf(parser)).toBeDefined();
  });

  it('throws a SyntaxError for a large body that is not JSON', async () => {
    await expect(parser.parse(Buffer.from('{"a":"' + 'x'.repeat(2 * 1024 * 1024)))).rejects.toBeInstanceOf(SyntaxError);
  });

  it('holds a large base64 data URI behind a stand-in until release', async () => {
    const uri = 'data:image/png;base64,' + randomBytes(HOLD_FROM_CHARS).toString('base64');
    const before = heldCount();
    const { value, release } = await parser.parse(Buffer.from(JSON.stringify({ image: uri })), { holdStrings: true });
    const standIn = (value as { image: string }).image;
    expect(standIn.length).toBeLessThan(2048);
    expect(uri.startsWith(standIn.slice(0, -64))).toBe(true);
    const held = heldString(standIn)!;
    expect(held.json.toString('latin1')).toBe(JSON.stringify(uri));
    expect(held.sha256).toBe(createHash('sha256').update(uri).digest('hex'));
    release();
    expect(heldCount()).toBe(before);
  });

  it('answers an upload with its data URI, held from a megabyte of base64 on', async () => {
    const smallFile = randomBytes(1000);
    const small = new PassThrough();
    const smallUri = parser.dataUriOf('image/png', small);
    small.end(smallFile);
    expect(await smallUri).toMatchObject({ value: `data:image/png;base64,${smallFile.toString('base64')}`, size: 1000 });

    const file = randomBytes(HOLD_FROM_CHARS);
    const stream = new PassThrough();
    const answer = parser.dataUriOf('image/jpeg', stream);
    for (let at = 0; at < file.length; at += 64 * 1024) stream.write(file.subarray(at, at + 64 * 1024));
    stream.end();
    const { value, size, release } = await answer;
    expect(size).toBe(file.length);
    expect(heldString(value)!.json.toString('latin1')).toBe(JSON.stringify(`data:image/jpeg;base64,${file.toString('base64')}`));
    release();
    expect(heldString(value)).toBeUndefined();
  });

  it('rejects an upload whose worker stops mid-file, and the next upload gets a new worker', async () => {
    const stream = new PassThrough();
    const answer = parser.dataUriOf('image/png', stream);
    stream.write(randomBytes(4096));
    const first = workerOf(parser)!;
    await first.terminate();
    stream.end(randomBytes(4096));
    await expect(answer).rejects.toThrow('the JSON parser worker stopped');

    const next = new PassThrough();
    const again = parser.dataUriOf('image/png', next);
    next.end(Buffer.from('png'));
    expect((await again).value).toBe('data:image/png;base64,cG5n');
    expect(workerOf(parser)).not.toBe(first);
  });

  it('rejects a parse whose worker stops before it answers', async () => {
    const answer = parser.parse(Buffer.from(JSON.stringify({ text: 'x'.repeat(8 * 1024 * 1024) })));
    await workerOf(parser)!.terminate();
    await expect(answer).rejects.toThrow('the JSON parser worker stopped');
  });

  it('rejects an upload whose stream fails, and keeps serving the others', async () => {
    const broken = new PassThrough();
    const failed = parser.dataUriOf('image/png', broken);
    broken.write(randomBytes(1024));
    broken.destroy(new Error('client went away'));
    await expect(failed).rejects.toThrow('client went away');

    const next = new PassThrough();
    const ok = parser.dataUriOf('image/webp', next);
    next.end(Buffer.from('ok'));
    expect((await ok).value).toBe('data:image/webp;base64,b2s=');
  });
});
