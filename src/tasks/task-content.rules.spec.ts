import { checkContent, ContentItem } from './task-content.rules';

const text: ContentItem = { type: 'text', text: 'p' };
const img = (url: string, role?: string): ContentItem => ({ type: 'image_url', role, image_url: { url } });
const vid = (url: string): ContentItem => ({ type: 'video_url', role: 'reference_video', video_url: { url } });
const aud = (url: string): ContentItem => ({ type: 'audio_url', role: 'reference_audio', audio_url: { url } });

describe('content rules (docs/contract.md §3)', () => {
  it('summarises video input, audio references, assets and plain media', () => {
    const { violation, summary } = checkContent([text, vid('asset://v1'), img('https://x/a.png', 'reference_image'), aud('data:audio/wav;base64,UklG')]);
    expect(violation).toBeUndefined();
    expect(summary).toMatchObject({ images: 1, videos: 1, audios: 1, hasVideoInput: true, hasAudioReference: true });
    expect(summary.assets).toEqual([{ id: 'v1', kind: 'video', param: 'content[1].video_url.url' }]);
    expect(summary.plainMedia.map((m) => m.form)).toEqual(['url', 'base64']);
  });

  it('text only has no video input (novideo SKU)', () => {
    expect(checkContent([text]).summary.hasVideoInput).toBe(false);
  });

  it.each([
    ['asset:// without id', [text, img('asset://', 'reference_image')], 'content[1].image_url.url'],
    ['base64 with the wrong media type', [text, img('data:audio/mp3;base64,AAAA', 'reference_image')], 'content[1].image_url.url'],
    ['relative url', [text, img('/a.png', 'reference_image')], 'content[1].image_url.url'],
    ['javascript url', [text, img('javascript:alert(1)', 'reference_image')], 'content[1].image_url.url'],
  ])('refuses %s', (_, items, param) => {
    expect(checkContent(items).violation?.param).toBe(param);
  });

  it('first and last frame may come in either order but must be one of each', () => {
    expect(checkContent([text, img('https://x/2', 'last_frame'), img('https://x/1', 'first_frame')]).violation).toBeUndefined();
    expect(checkContent([text, img('https://x/1'), img('https://x/2', 'last_frame')]).violation?.param).toBe('content[2].role');
  });

  it('counts 9 images, 3 videos, 3 audio and 12 references', () => {
    const nine = Array.from({ length: 9 }, (_, i) => img(`https://x/${i}`, 'reference_image'));
    expect(checkContent([text, ...nine, vid('https://x/v1'), vid('https://x/v2'), vid('https://x/v3')]).violation).toBeUndefined();
    expect(checkContent([text, ...nine, vid('https://x/v1'), vid('https://x/v2'), vid('https://x/v3'), aud('https://x/a')]).violation?.message).toContain('12');
  });
});
