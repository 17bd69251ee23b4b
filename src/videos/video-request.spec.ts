import { DomainError } from '../common/errors/domain-error';
import { facadeParam, translateCreate } from './video-request';

function refused(raw: unknown, upload?: { mimetype: string; buffer: Buffer }): DomainError {
  try {
    translateCreate(raw, upload);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('POST /v1/videos → native create body', () => {
  it('defaults: standard model, 1280x720 (720p 16:9), 5 seconds always sent as duration, last frame kept for thumbnails', () => {
    const r = translateCreate({ prompt: 'A paper boat.' });
    expect(r).toMatchObject({ model: 'dreamina-seedance-2-0', size: '1280x720', seconds: 5 });
    expect(r.native).toEqual({
      model: 'dreamina-seedance-2-0',
      content: [{ type: 'text', text: 'A paper boat.' }],
      resolution: '720p',
      ratio: '16:9',
      duration: 5,
      return_last_frame: true,
    });
  });

  it('multipart strings are read as their types', () => {
    const r = translateCreate({
      prompt: 'x',
      seconds: '8',
      size: '720x1280',
      generate_audio: 'false',
      seed: '42',
      watermark: 'true',
      return_last_frame: 'false',
    });
    expect(r.native).toMatchObject({
      resolution: '720p',
      ratio: '9:16',
      duration: 8,
      generate_audio: false,
      seed: 42,
      watermark: true,
      return_last_frame: false,
    });
  });

  it('an alias is normalised to the stable name', () => {
    expect(translateCreate({ prompt: 'x', model: 'dreamina-seedance-2-0-fast-260128' }).model).toBe('dreamina-seedance-2-0-fast');
  });

  it('an image_url reference becomes the first frame', () => {
    const r = translateCreate({ prompt: 'x', input_reference: { image_url: 'asset://asset-1' } });
    expect((r.native.content as unknown[])[1]).toEqual({ type: 'image_url', role: 'first_frame', image_url: { url: 'asset://asset-1' } });
  });

  it('an uploaded image becomes a data URI first frame', () => {
    const r = translateCreate({ prompt: 'x' }, { mimetype: 'image/png', buffer: Buffer.from([1, 2, 3]) });
    expect((r.native.content as any[])[1].image_url.url).toBe('data:image/png;base64,AQID');
  });

  it('a size outside the table is refused with the model’s allowed sizes listed', () => {
    const e = refused({ prompt: 'x', size: '1792x1024' });
    expect(e.param).toBe('size');
    expect(e.message).toContain('1280x720');
    expect(e.message).toContain('3840x2160');
    const fast = refused({ prompt: 'x', model: 'dreamina-seedance-2-0-fast', size: '1920x1080' });
    expect(fast.message).not.toContain('1920x1080,');
  });

  it.each([['3'], ['16'], ['5.5'], ['-1'], ['five'], [''], [20]])('seconds %p → invalid_duration', (seconds) => {
    expect(refused({ prompt: 'x', seconds })).toMatchObject({ key: 'invalid_duration', param: 'seconds' });
  });

  it.each([
    [{}, 'prompt'],
    [{ prompt: '  ' }, 'prompt'],
    [{ prompt: 'x', model: 'seedance-2-0' }, 'model'],
    [{ prompt: 'x', callback_url: 'https://example.com/cb' }, 'callback_url'],
    [{ prompt: 'x', user: 'u1' }, 'user'],
    [{ prompt: 'x', Prompt: 'y' }, 'Prompt'],
    [{ prompt: 'x', input_reference: 'https://example.com/a.png' }, 'input_reference'],
    [{ prompt: 'x', input_reference: { file_id: 'file-1' } }, 'input_reference.file_id'],
    [{ prompt: 'x', generate_audio: 'yes' }, 'generate_audio'],
    [{ prompt: 'x', seed: '1.5' }, 'seed'],
    [{ prompt: 'a\u0000b' }, 'prompt'],
    [{ prompt: 'x', input_reference: { image_url: 'https://example.com/a\u0000.png' } }, 'input_reference.image_url'],
  ])('%p is refused naming %s', (body, param) => {
    expect(refused(body)).toMatchObject({ key: 'invalid_request', param });
  });

  it('refuses an upload that is not an image, and an upload together with image_url', () => {
    expect(refused({ prompt: 'x' }, { mimetype: 'video/mp4', buffer: Buffer.from([1]) }).param).toBe('input_reference');
    expect(refused({ prompt: 'x', input_reference: { image_url: 'asset://a' } }, { mimetype: 'image/png', buffer: Buffer.from([1]) }).param).toBe(
      'input_reference',
    );
  });

  it('native params are named in facade terms', () => {
    expect(['duration', 'resolution', 'ratio', 'content[0].text', 'content[1].image_url.url', 'model'].map(facadeParam)).toEqual([
      'seconds',
      'size',
      'size',
      'prompt',
      'input_reference',
      'model',
    ]);
  });
});
