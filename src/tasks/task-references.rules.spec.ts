import { collectReferences, paramOf, setAt } from './task-references.rules';

describe('every asset:// and media reference in a create body is found (issue 9, finding 5)', () => {
  it('finds asset:// in content items and in references.<kind> at any depth, with the kind its position asks for', () => {
    const body = {
      model: 'dreamina-seedance-2-0',
      content: [
        { type: 'text', text: 'A boat.' },
        { type: 'image_url', role: 'reference_image', image_url: { url: 'asset://img-1' } },
        { type: 'video_url', role: 'reference_video', video_url: { url: ' asset://vid-1 ' } },
      ],
      references: { image: ['asset://img-2'], video: [{ url: 'asset://vid-2' }], audio: 'asset://aud-1', other: ['asset://x-1'] },
      extra: { deep: [{ deeper: 'ASSET://any-1' }] },
    };
    expect(collectReferences(body).assets).toEqual([
      { id: 'img-1', kind: 'image', param: 'content[1].image_url.url' },
      { id: 'vid-1', kind: 'video', param: 'content[2].video_url.url' },
      { id: 'img-2', kind: 'image', param: 'references.image[0]' },
      { id: 'vid-2', kind: 'video', param: 'references.video[0].url' },
      { id: 'aud-1', kind: 'audio', param: 'references.audio' },
      { id: 'x-1', kind: null, param: 'references.other[0]' },
      { id: 'any-1', kind: null, param: 'extra.deep[0].deeper' },
    ]);
  });

  it('an id repeated at the same kind is checked once', () => {
    const body = { content: [{ type: 'image_url', image_url: { url: 'asset://a' } }], references: { image: ['asset://a'], video: ['asset://a'] } };
    expect(collectReferences(body).assets.map((r) => `${r.kind}:${r.id}`)).toEqual(['image:a', 'video:a']);
  });

  it('a media key of a content item other than its type is searched too', () => {
    const body = { content: [{ type: 'video_url', role: 'reference_video', video_url: { url: 'asset://v' }, image_url: { url: 'asset://smuggled' } }] };
    expect(collectReferences(body).assets).toContainEqual({ id: 'smuggled', kind: 'image', param: 'content[0].image_url.url' });
  });

  it('collects plain URLs and base64 where media is expected, and nowhere else', () => {
    const body = {
      content: [
        { type: 'text', text: 'https://example.com/not-media' },
        { type: 'image_url', image_url: { url: 'http://169.254.169.254/latest/meta-data/' } },
        { type: 'audio_url', audio_url: { url: 'data:audio/mp3;base64,SUQz' } },
      ],
      references: { video: ['https://example.com/in.mp4'], image: [{ url: 'HTTPS://example.com/a.png' }], notes: ['https://example.com/x'] },
      callback_url: 'https://example.com/cb',
    };
    expect(collectReferences(body).plain.map(({ kind, form, param }) => ({ kind, form, param }))).toEqual([
      { kind: 'image', form: 'url', param: 'content[1].image_url.url' },
      { kind: 'audio', form: 'base64', param: 'content[2].audio_url.url' },
      { kind: 'video', form: 'url', param: 'references.video[0]' },
      { kind: 'image', form: 'url', param: 'references.image[0].url' },
    ]);
  });

  it('a body without references has none', () => {
    expect(collectReferences({ model: 'm', content: [{ type: 'text', text: 'hi' }] })).toEqual({ assets: [], plain: [] });
  });

  it('paths print as params and can be written back', () => {
    const body = { references: { image: [{ url: ' x ' }] } };
    expect(paramOf(['references', 'image', 0, 'url'])).toBe('references.image[0].url');
    setAt(body, ['references', 'image', 0, 'url'], 'x');
    expect(body.references.image[0].url).toBe('x');
  });
});
