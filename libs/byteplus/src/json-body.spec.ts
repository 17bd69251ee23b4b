import { hold } from './held-strings';
import { type ChunkedJsonBody, jsonBody } from './json-body';

const MB = 1024 * 1024;

function text(body: string | ChunkedJsonBody): string {
  return typeof body === 'string' ? body : Buffer.concat(body.chunks).toString('utf8');
}

describe('jsonBody', () => {
  it('is JSON.stringify itself for a body without a long string', async () => {
    const value = { model: 'm', content: [{ type: 'text', text: 'a "quoted" ☃ line\n' }], n: 1.5, skip: undefined, list: [undefined, null, true] };
    await expect(jsonBody(value)).resolves.toBe(JSON.stringify(value));
  });

  it('serialises a body with a multi-megabyte string to exactly JSON.stringify’s bytes, in chunks of about a megabyte', async () => {
    const long = `data:image/png;base64,${'QUJD'.repeat(Math.ceil((2.5 * MB) / 4))}`;
    // A surrogate pair straddling a slice boundary, escapes and non-ASCII text in the long string.
    const tricky = `${'x'.repeat(MB - 1)}😀${'"\\\n\u0001é'.repeat(1000)}${'y'.repeat(MB)}\ud800`;
    const value = {
      model: 'm',
      content: [
        { type: 'image_url', image_url: { url: long } },
        { type: 'text', text: tricky },
      ],
      n: NaN,
      skip: undefined,
      list: [undefined, () => 1],
    };
    const body = await jsonBody(value);
    expect(typeof body).toBe('object');
    const expected = JSON.stringify(value);
    expect(text(body)).toBe(expected);
    const { byteLength, chunks } = body as ChunkedJsonBody;
    expect(byteLength).toBe(Buffer.byteLength(expected));
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(3 * 1024 * 1024);
  });

  it('yields to the event loop while serialising a large body', async () => {
    const value = { url: 'A'.repeat(8 * MB) };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await new Promise((r) => setTimeout(r, 5));
    const before = ticks;
    await jsonBody(value);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(before);
  });
});

describe('jsonBody with held strings', () => {
  it('puts each held string’s original in place of its stand-in, as its held bytes, uncopied; a stand-in once released is a plain string', async () => {
    const original = `data:image/png;base64,${'QUJD'.repeat(MB / 2)}`;
    const standIn = `${original.slice(0, 22 + 960)}${'ab'.repeat(32)}`;
    const json = Buffer.from(JSON.stringify(original), 'latin1');
    const release = hold(standIn, { json, length: original.length, sha256: 'unused here' });
    const value = {
      model: 'm',
      content: [
        { type: 'text', text: 'x' },
        { type: 'image_url', image_url: { url: standIn } },
      ],
    };
    const body = await jsonBody(value);
    const expected = JSON.stringify({ ...value, content: [value.content[0], { type: 'image_url', image_url: { url: original } }] });
    expect(text(body)).toBe(expected);
    expect((body as ChunkedJsonBody).byteLength).toBe(Buffer.byteLength(expected));
    expect((body as ChunkedJsonBody).chunks).toContain(json);
    release();
    await expect(jsonBody(value)).resolves.toBe(JSON.stringify(value));
  });
});
