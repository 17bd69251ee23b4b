import { createAndFinish, ledger } from '../support/billing';
import { startGateway, type TestGateway } from '../support/test-gateway';

/** Seed 000 §3/§5: a request with any video_url item is charged at *-video; image or audio references are not. */
describe('a reference video selects the video SKU', () => {
  let gw: TestGateway;
  let t: { id: string; token: string };
  beforeAll(async () => {
    gw = await startGateway();
    t = await gw.newTenant({ media_policy: 'any' });
  });
  afterAll(async () => gw?.close());

  const text = { type: 'text', text: 'Edit Video 1.' };
  const vid = (n: number) => ({ type: 'video_url', role: 'reference_video', video_url: { url: `https://example.com/${n}.mp4` } });
  const img = { type: 'image_url', role: 'reference_image', image_url: { url: 'https://example.com/a.png' } };
  const aud = { type: 'audio_url', role: 'reference_audio', audio_url: { url: 'https://example.com/a.mp3' } };

  it.each([
    ['video edit (one clip + image)', [text, vid(1), img], 'dreamina-seedance-2-0-720p-video'],
    ['a join of three clips', [text, vid(1), vid(2), vid(3)], 'dreamina-seedance-2-0-720p-video'],
    ['image + audio references, no video', [text, img, aud], 'dreamina-seedance-2-0-720p-novideo'],
    [
      'first frame only',
      [text, { type: 'image_url', role: 'first_frame', image_url: { url: 'https://example.com/f.png' } }],
      'dreamina-seedance-2-0-720p-novideo',
    ],
  ])('%s → %s', async (_, content, sku) => {
    const task = await createAndFinish(gw, t.token, { model: 'dreamina-seedance-2-0', content, resolution: '720p', duration: 5 });
    expect((await ledger(gw, t.id)).find((e) => e.taskId === task.id)?.sku).toBe(sku);
  });
});
