import { validateCreateTask } from './create-task-validator';

const base = { model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'A paper boat.' }] };
const image = (role?: string) => ({ type: 'image_url', image_url: { url: 'asset://asset-1' }, ...(role ? { role } : {}) });
const video = { type: 'video_url', video_url: { url: 'asset://asset-2' }, role: 'reference_video' };
const audio = { type: 'audio_url', audio_url: { url: 'asset://asset-3' }, role: 'reference_audio' };

function refusal(body: unknown, extraModels: string[] = []) {
  const check = validateCreateTask(body, { extraModels });
  if (check.ok) throw new Error(`expected a refusal of ${JSON.stringify(body)}`);
  return check.refusal;
}

function accepted(body: unknown, extraModels: string[] = []) {
  const check = validateCreateTask(body, { extraModels });
  if (!check.ok) throw new Error(`unexpected refusal: ${check.refusal.message}`);
  return check.params;
}

describe('validateCreateTask', () => {
  it('fills the upstream defaults', () => {
    expect(accepted(base)).toMatchObject({
      model: 'dreamina-seedance-2-0-260128',
      resolution: '720p',
      ratio: '16:9',
      duration: 5,
      serviceTier: 'default',
      executionExpiresAfter: 172800,
      generateAudio: true,
      draft: false,
      priority: 0,
      returnLastFrame: false,
    });
  });

  it('treats null as absent, as the official SDKs send every unset field', () => {
    const params = accepted({ ...base, duration: null, ratio: null, seed: null, callback_url: null, safety_identifier: null });
    expect(params).toMatchObject({ duration: 5, ratio: '16:9' });
    expect(params.body).not.toHaveProperty('seed');
    expect(params.safetyIdentifier).toBeUndefined();
  });

  it('resolves adaptive to 16:9 and -1 seconds to 5', () => {
    expect(accepted({ ...base, ratio: 'adaptive', duration: -1 })).toMatchObject({ ratio: '16:9', duration: 5 });
  });

  it('keeps a given seed, draws one in 0..2^31 otherwise', () => {
    expect(accepted({ ...base, seed: 74719 }).seed).toBe(74719);
    const drawn = accepted({ ...base, seed: -1 }).seed;
    expect(Number.isInteger(drawn) && drawn >= 0 && drawn <= 2 ** 31).toBe(true);
  });

  it('accepts endpoint ids and extra models', () => {
    expect(accepted({ ...base, model: 'ep-20260611-abc', resolution: '4k' }).model).toBe('ep-20260611-abc');
    expect(accepted({ ...base, model: 'dreamina-seedance-2-0-filter-off-x' }, ['dreamina-seedance-2-0-filter-off-x']).model).toBe(
      'dreamina-seedance-2-0-filter-off-x',
    );
  });

  it('accepts the documented multimodal and frame scenarios', () => {
    accepted({ ...base, content: [...base.content, image('reference_image'), video, audio] });
    accepted({ ...base, content: [image('first_frame'), image('last_frame')] });
    accepted({ ...base, content: [image()] });
  });

  it.each([
    ['a body that is not an object', [1], 400, 'InvalidParameter', 'body'],
    ['no model', { content: base.content }, 400, 'MissingParameter', 'model'],
    ['no content', { model: base.model }, 400, 'MissingParameter', 'content'],
    ['a model that is not a string', { ...base, model: 5 }, 400, 'InvalidParameter', 'model'],
    ['an unknown model', { ...base, model: 'seedance-2-0' }, 404, 'InvalidEndpointOrModel.NotFound', 'model'],
    ['content not an array', { ...base, content: 'hi' }, 400, 'InvalidParameter', 'content'],
    ['empty content', { ...base, content: [] }, 400, 'InvalidParameter', 'content'],
    ['an unknown content type', { ...base, content: [{ type: 'draft_task', draft_task: { id: 'x' } }] }, 400, 'InvalidParameter', 'content[0].type'],
    ['an empty text', { ...base, content: [{ type: 'text', text: ' ' }] }, 400, 'InvalidParameter', 'content[0].text'],
    ['an image without url', { ...base, content: [{ type: 'image_url', image_url: {} }] }, 400, 'InvalidParameter', 'content[0].image_url'],
    ['a wrong role', { ...base, content: [{ ...video, role: 'first_frame' }, image()] }, 400, 'InvalidParameter', 'content[0].role'],
    ['audio as the only reference', { ...base, content: [...base.content, audio] }, 400, 'InvalidParameter', 'content'],
    ['frames mixed with references', { ...base, content: [image('first_frame'), image('reference_image')] }, 400, 'InvalidParameter', 'content'],
    ['a last frame without a first', { ...base, content: [image('last_frame')] }, 400, 'InvalidParameter', 'content'],
    ['ten images', { ...base, content: Array.from({ length: 10 }, () => image('reference_image')) }, 400, 'InvalidParameter', 'content'],
    ['four videos', { ...base, content: [video, video, video, video] }, 400, 'InvalidParameter', 'content'],
    ['audio on mini', { ...base, model: 'dreamina-seedance-2-0-mini-260615', content: [video, audio] }, 400, 'InvalidParameter', 'content[1].type'],
    ['duration 3', { ...base, duration: 3 }, 400, 'InvalidParameter', 'duration'],
    ['duration 16', { ...base, duration: 16 }, 400, 'InvalidParameter', 'duration'],
    ['duration 4.5', { ...base, duration: 4.5 }, 400, 'InvalidParameter', 'duration'],
    ['duration as a string', { ...base, duration: '5' }, 400, 'InvalidParameter', 'duration'],
    ['ratio 5:4', { ...base, ratio: '5:4' }, 400, 'InvalidParameter', 'ratio'],
    ['resolution 2k', { ...base, resolution: '2k' }, 400, 'InvalidParameter', 'resolution'],
    ['1080p on fast', { ...base, model: 'dreamina-seedance-2-0-fast-260128', resolution: '1080p' }, 400, 'InvalidParameter', 'resolution'],
    ['4k on mini', { ...base, model: 'dreamina-seedance-2-0-mini-260615', resolution: '4k' }, 400, 'InvalidParameter', 'resolution'],
    ['expiry below an hour', { ...base, execution_expires_after: 3599 }, 400, 'InvalidParameter', 'execution_expires_after'],
    ['expiry above three days', { ...base, execution_expires_after: 259201 }, 400, 'InvalidParameter', 'execution_expires_after'],
    ['priority 10', { ...base, priority: 10 }, 400, 'InvalidParameter', 'priority'],
    ['an unknown service tier', { ...base, service_tier: 'scale' }, 400, 'InvalidParameter', 'service_tier'],
    ['flex on 2.0', { ...base, service_tier: 'flex' }, 400, 'InvalidParameter', 'service_tier'],
    ['draft on 2.0', { ...base, draft: true }, 400, 'InvalidParameter', 'draft'],
    ['frames on 2.0', { ...base, frames: 121 }, 400, 'InvalidParameter', 'frames'],
    ['generate_audio as a string', { ...base, generate_audio: 'yes' }, 400, 'InvalidParameter', 'generate_audio'],
    ['a seed out of range', { ...base, seed: 2 ** 32 }, 400, 'InvalidParameter', 'seed'],
    ['a long safety identifier', { ...base, safety_identifier: 'x'.repeat(65) }, 400, 'InvalidParameter', 'safety_identifier'],
    ['an empty callback_url', { ...base, callback_url: '  ' }, 400, 'InvalidParameter', 'callback_url'],
  ])('refuses %s', (_name, body, status, code, param) => {
    expect(refusal(body)).toMatchObject({ status, code, param });
  });

  it('words refusals like the upstream', () => {
    expect(refusal({ ...base, duration: 20 }).message).toBe(
      'The parameter `duration` specified in the request is not valid: must be an integer between 4 and 15 or -1.',
    );
  });

  describe('asset:// references, when an asset lookup is given', () => {
    const assets: Record<string, { type: 'Image' | 'Video' | 'Audio'; status: 'Pending' | 'Processing' | 'Active' | 'Failed' }> = {
      'asset-1': { type: 'Image', status: 'Active' },
      'asset-2': { type: 'Video', status: 'Active' },
      'asset-3': { type: 'Audio', status: 'Active' },
      'asset-busy': { type: 'Image', status: 'Processing' },
      'asset-bad': { type: 'Image', status: 'Failed' },
    };
    const check = (content: unknown[]) => validateCreateTask({ ...base, content: [...base.content, ...content] }, { assetLookup: (id) => assets[id] });
    const refused = (content: unknown[]) => {
      const result = check(content);
      if (result.ok) throw new Error('expected a refusal');
      return result.refusal;
    };

    it('accepts existing Active assets of the item type, and ordinary URLs', () => {
      expect(check([image('reference_image'), video, audio]).ok).toBe(true);
      expect(check([{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }]).ok).toBe(true);
    });

    it.each([
      ['an unknown asset', [image(), { type: 'image_url', image_url: { url: 'asset://asset-404' } }], 'content[2].image_url.url', /asset-404` does not exist/],
      ['an image asset as a video', [{ ...video, video_url: { url: 'asset://asset-1' } }], 'content[1].video_url.url', /of type Image.*type Video/],
      ['a video asset as audio', [image(), { ...audio, audio_url: { url: 'asset://asset-2' } }], 'content[2].audio_url.url', /of type Video/],
      ['an asset still processing', [{ type: 'image_url', image_url: { url: 'asset://asset-busy' } }], 'content[1].image_url.url', /is Processing/],
      ['a failed asset', [{ type: 'image_url', image_url: { url: 'asset://asset-bad' } }], 'content[1].image_url.url', /is Failed/],
      ['an upper-case scheme', [{ type: 'image_url', image_url: { url: 'Asset://asset-1' } }], 'content[1].image_url.url', /lower-case asset:\/\//],
      ['no id', [{ type: 'image_url', image_url: { url: 'asset://' } }], 'content[1].image_url.url', /asset id/],
    ])('refuses %s with InvalidParameter naming the url', (_name, content, param, message) => {
      expect(refused(content)).toMatchObject({ status: 400, code: 'InvalidParameter', param });
      expect(refused(content).message).toMatch(message);
    });
  });
});
