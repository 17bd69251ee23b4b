import { createHash } from 'node:crypto';
import { compactInlineMedia, INLINE_MEDIA_KEEP_CHARS } from './inline-media';

describe('compactInlineMedia', () => {
  it('returns the very value when no data URI is longer than the limit', async () => {
    const value = {
      model: 'm',
      content: [
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'text', text: 'x'.repeat(INLINE_MEDIA_KEEP_CHARS + 1) },
      ],
    };
    await expect(compactInlineMedia(value)).resolves.toBe(value);
  });

  it('keeps a large data URI as its media type, length and SHA-256, and everything else as sent, without touching the input', async () => {
    const uri = `data:image/png;base64,${'QUJD'.repeat(INLINE_MEDIA_KEEP_CHARS)}`;
    const value = {
      model: 'm',
      content: [
        { type: 'text', text: 'keep me' },
        { type: 'image_url', role: 'first_frame', image_url: { url: uri } },
      ],
      ratio: '16:9',
    };
    const compacted = await compactInlineMedia(value);
    const digest = createHash('sha256').update(uri).digest('hex');
    expect(compacted).toEqual({
      model: 'm',
      content: [
        { type: 'text', text: 'keep me' },
        {
          type: 'image_url',
          role: 'first_frame',
          image_url: { url: `data:image/png;base64,[inline media not stored: ${uri.length} characters, sha256 ${digest}]` },
        },
      ],
      ratio: '16:9',
    });
    expect(value.content[1].image_url!.url).toBe(uri);
  });
});
