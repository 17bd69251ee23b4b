/**
 * The documented example requests and responses of the task API (those of the BytePlus product pages), shown in the API
 * docs and replayed by the tests. With the built-in sandbox every create example runs as is; those that reference
 * assets or a Filter-Off model say in their description what they need.
 */
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
  fourK: {
    summary: 'Text-to-video in 4K',
    description: 'A 4-second 16:9 4K video from a text prompt, with a callback on every status change.',
    value: FOUR_K,
  },
  fast480p: {
    summary: 'Text-to-video with the fast model at 480p',
    description: 'The same request on the fast model at 480p: the cheapest way to try the API.',
    value: { ...FOUR_K, model: 'dreamina-seedance-2-0-fast', resolution: '480p' },
  },
  filterOff: {
    summary: 'Filter-Off model: only the model name changes',
    description:
      'Needs the tenant to be entitled to the Filter-Off model and an admin to have mapped it to an exact Filter-Off version ' +
      '(PUT /admin/model-mappings/dreamina-seedance-2-0-filter-off); otherwise 403 or 503 model_mapping_required. ' +
      'The sandbox demo tenant has both.',
    value: {
      model: 'dreamina-seedance-2-0-filter-off',
      content: [{ type: 'text', text: 'A cinematic product shot with clean studio lighting.' }],
      duration: 4,
      ratio: '16:9',
      resolution: '720p',
    },
  },
  videoEdit: {
    summary: 'Video edit: text, a reference video and a reference image',
    description:
      'Needs an Active video asset and an Active image asset of your own (POST /volcark?Action=CreateAsset): replace the two ' +
      '`asset://` ids with yours. The sandbox demo tenant has both; their ids are printed at start-up.',
    value: {
      model: 'dreamina-seedance-2-0',
      content: [
        {
          type: 'text',
          text: 'Edit Video 1: replace the red mug with a glass teapot while preserving the original camera movement. Use Image 1 as the style reference.',
        },
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
    summary: 'Video extension backward from a reference video',
    description: 'Needs an Active video asset of your own: replace the `asset://` id with yours (the sandbox demo tenant has one, printed at start-up).',
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
    summary: 'Image-to-video from an image asset',
    description: 'Needs an Active image asset of your own: replace the `asset://` id with yours (the sandbox demo tenant has one, printed at start-up).',
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

/**
 * A succeeded task as GET returns it. The product page's example says 4k but carries the token count of a 4-second 16:9
 * 480p video (40,594); here it is the 480p fast-model task that count belongs to.
 */
export const TASK_EXAMPLE = {
  id: 'cgt-20260611204121-462cw',
  model: 'dreamina-seedance-2-0-fast',
  status: 'succeeded',
  content: { video_url: 'https://...', last_frame_url: 'https://...' },
  usage: { completion_tokens: 40594, total_tokens: 40594 },
  created_at: 1781181681,
  updated_at: 1781181802,
  seed: 74719,
  resolution: '480p',
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

/** Deleting a running task: BytePlus's own error, passed through. */
export const RUNNING_DELETE_EXAMPLE = {
  error: {
    code: 'InvalidAction.RunningTaskDeletion',
    message: 'Cannot delete task because it is currently running.',
    param: '',
    type: 'Conflict',
  },
};
