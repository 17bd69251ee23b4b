import { hold } from '@arkgate/byteplus';
import { createHash } from 'node:crypto';
import { canonicalJson, canonicalJsonSha256 } from './canonical-json';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('canonicalJsonSha256', () => {
  it('is the SHA-256 of canonicalJson for small values, whatever their key order', async () => {
    const a = { b: [1, 'two', null, undefined, { z: true, a: 'é☃' }], a: { y: undefined, x: 1.5 }, fn: () => 1 };
    const b = { fn: () => 1, a: { x: 1.5 }, b: [1, 'two', null, undefined, { a: 'é☃', z: true }] };
    await expect(canonicalJsonSha256(a)).resolves.toBe(sha256(canonicalJson(a)));
    await expect(canonicalJsonSha256(b)).resolves.toBe(sha256(canonicalJson(a)));
    await expect(canonicalJsonSha256(undefined)).resolves.toBe(sha256('null'));
  });

  it('is the same digest for a body with multi-megabyte strings (escapes, non-ASCII, a surrogate pair on a slice edge)', async () => {
    const long = `${'x'.repeat(1024 * 1024 - 1)}😀${'"\\\n\u0001é'.repeat(1000)}${'Q'.repeat(2 * 1024 * 1024)}\ud800`;
    const value = {
      model: 'm',
      content: [
        { type: 'image_url', image_url: { url: `data:image/png;base64,${'QUJD'.repeat(700_000)}` } },
        { type: 'text', text: long },
      ],
    };
    await expect(canonicalJsonSha256(value)).resolves.toBe(sha256(canonicalJson(value)));
  });
});

describe('canonicalJsonSha256 with a held string', () => {
  it('is the digest of the value with the original in place of the stand-in', async () => {
    const original = `data:image/png;base64,${'QUJD'.repeat(300_000)}`;
    const standIn = `${original.slice(0, 22 + 960)}${'cd'.repeat(32)}`;
    const release = hold(standIn, { json: Buffer.from(JSON.stringify(original), 'latin1'), length: original.length, sha256: 'unused here' });
    try {
      const digest = await canonicalJsonSha256({ z: 1, content: [{ image_url: { url: standIn } }] });
      expect(digest).toBe(sha256(canonicalJson({ content: [{ image_url: { url: original } }], z: 1 })));
    } finally {
      release();
    }
  });
});
