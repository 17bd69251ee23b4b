/** The seeds' example requests and responses, used as Swagger examples and replayed by the e2e tests. */
const FOUR_K = {
  model: 'dreamina-seedance-2-0',
  content: [{ type: 'text', text: 'A quiet cinematic shot of a paper boat floating on calm water, soft morning light.' }],
  duration: 4,
  ratio: '16:9',
  resolution: '4k',
  generate_audio: false,
  watermark: true,
  return_last_frame: true,
  execution_expires_after: 3600,
  priority: 0,
  safety_identifier: 'user-hash-001',
  callback_url: 'https://example.com/volcark/callback',
};

export const CREATE_EXAMPLES = {
  fourK: { summary: '4K text-to-video (seed 000 §5)', value: FOUR_K },
  fast480p: {
    summary: 'Fast model at 480p (seed 001 §5)',
    value: { ...FOUR_K, model: 'dreamina-seedance-2-0-fast', resolution: '480p' },
  },
  filterOff: {
    summary: 'Filter-Off: only the model changes (needs an exact version mapping)',
    value: {
      model: 'dreamina-seedance-2-0-filter-off',
      content: [{ type: 'text', text: 'A cinematic product shot with clean studio lighting.' }],
      duration: 4,
      ratio: '16:9',
      resolution: '720p',
    },
  },
  videoEdit: {
    summary: 'Video edit: text + reference video + reference image (seed 000 §5)',
    value: {
      model: 'dreamina-seedance-2-0',
      content: [
        { type: 'text', text: 'Edit Video 1: replace the red mug with a glass teapot while preserving the original camera movement. Use Image 1 as the style reference.' },
        { type: 'video_url', role: 'reference_video', video_url: { url: 'asset://asset-20260611210200-video1' } },
        { type: 'image_url', role: 'reference_image', image_url: { url: 'asset://asset-20260611210100-image1' } },
      ],
      duration: 6,
      ratio: '16:9',
      resolution: '720p',
      generate_audio: false,
    },
  },
  videoExtend: {
    summary: 'Video extension backward (seed 000 §5)',
    value: {
      model: 'dreamina-seedance-2-0',
      content: [
        { type: 'text', text: 'Extend Video 1 backward with the same character, lighting, and handheld camera motion, then end with Video 1.' },
        { type: 'video_url', role: 'reference_video', video_url: { url: 'asset://asset-20260611210200-video1' } },
      ],
      duration: 6,
      ratio: '16:9',
      resolution: '720p',
      generate_audio: false,
    },
  },
  assetImage: {
    summary: 'An Active image asset as reference (seed §10)',
    value: {
      model: 'dreamina-seedance-2-0-fast',
      content: [
        { type: 'text', text: 'Use Image 1 as the opening frame, then slowly move the camera forward.' },
        { type: 'image_url', role: 'reference_image', image_url: { url: 'asset://asset-20260611210100-efgh2' } },
      ],
      duration: 4,
      ratio: '16:9',
      resolution: '480p',
      generate_audio: false,
    },
  },
};

/** Seed §6: a succeeded task as GET returns it. */
export const TASK_EXAMPLE = {
  id: 'cgt-20260611204121-462cw',
  model: 'dreamina-seedance-2-0',
  status: 'succeeded',
  content: { video_url: 'https://...', last_frame_url: 'https://...' },
  usage: { completion_tokens: 40594, total_tokens: 40594 },
  created_at: 1781181681,
  updated_at: 1781181802,
  seed: 74719,
  resolution: '4k',
  ratio: '16:9',
  duration: 4,
  framespersecond: 24,
  service_tier: 'default',
  execution_expires_after: 3600,
  generate_audio: false,
  draft: false,
  safety_identifier: 'user-hash-001',
  priority: 0,
};

/** Seed §8: deleting a running task. */
export const RUNNING_DELETE_EXAMPLE = {
  error: {
    code: 'InvalidAction.RunningTaskDeletion',
    message: 'Cannot delete task because it is currently running.',
    param: '',
    type: 'Conflict',
  },
};
