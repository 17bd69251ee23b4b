import { normalizeAssetScheme, normalizeCreateBody } from './task-request.normalizer';

describe('create body normalisation (docs/contract.md §3)', () => {
  it('drops nulls at the top level and inside content items', () => {
    expect(
      normalizeCreateBody({ model: 'm', seed: null, content: [{ type: 'image_url', role: null, image_url: { url: 'https://x/a.png', detail: null } }] }),
    ).toEqual({ model: 'm', content: [{ type: 'image_url', image_url: { url: 'https://x/a.png' } }] });
  });

  it('CallbackURL becomes callback_url; callback_url wins when both are sent', () => {
    expect(normalizeCreateBody({ CallbackURL: 'https://a' })).toEqual({ callback_url: 'https://a' });
    expect(normalizeCreateBody({ CallbackURL: 'https://a', callback_url: 'https://b' })).toEqual({ callback_url: 'https://b' });
    expect(normalizeCreateBody({ CallbackURL: 'https://a', callback_url: null })).toEqual({ callback_url: 'https://a' });
  });

  it('Asset:// becomes asset:// in every media item, other URLs unchanged', () => {
    const out = normalizeCreateBody({
      content: [
        { type: 'image_url', image_url: { url: 'Asset://asset-1' } },
        { type: 'video_url', video_url: { url: 'ASSET://asset-2' } },
        { type: 'audio_url', audio_url: { url: 'https://x/Asset://y' } },
      ],
    }) as { content: { [k: string]: { url: string } }[] };
    expect(out.content[0].image_url.url).toBe('asset://asset-1');
    expect(out.content[1].video_url.url).toBe('asset://asset-2');
    expect(out.content[2].audio_url.url).toBe('https://x/Asset://y');
    expect(normalizeAssetScheme('asset://a')).toBe('asset://a');
  });

  it('Asset:// becomes asset:// in references.* and any other field, at any depth, without touching the input', () => {
    const input = { references: { image: ['Asset://a-1', { url: ' ASSET://a-2 ' }] }, extra: { deep: [['aSsEt://a-3']] }, note: 'Asset: not a reference' };
    expect(normalizeCreateBody(input)).toEqual({
      references: { image: ['asset://a-1', { url: 'asset://a-2' }] },
      extra: { deep: [['asset://a-3']] },
      note: 'Asset: not a reference',
    });
    expect(input.references.image[0]).toBe('Asset://a-1');
  });

  it('leaves non-objects for the validator to refuse', () => {
    expect(normalizeCreateBody([1])).toEqual([1]);
    expect(normalizeCreateBody('x')).toBe('x');
  });
});
