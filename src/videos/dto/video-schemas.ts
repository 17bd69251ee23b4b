/**
 * Swagger schemas and examples of the OpenAI-compatible facade. The bodies are validated by the facade's own
 * translation (video-request.ts), which also reads multipart strings, so these describe and do not validate.
 */
import { sizesFor } from '../video-sizes';
import { modelSpec } from '../../catalog/catalog-rules';

const STANDARD_SIZES = [...sizesFor(modelSpec('dreamina-seedance-2-0') as NonNullable<ReturnType<typeof modelSpec>>).keys()];

const CREATE_PROPERTIES = {
  prompt: { type: 'string', example: 'A quiet cinematic shot of a paper boat floating on calm water, soft morning light.' },
  model: { type: 'string', default: 'dreamina-seedance-2-0', description: 'Stable model name or official alias.' },
  seconds: { type: 'string', default: '5', description: '"4" to "15"; always sent upstream as duration.' },
  size: {
    type: 'string',
    default: '1280x720',
    enum: STANDARD_SIZES,
    description:
      'An exact Seedance output size: 480p and 720p on every model, 1080p and 4k on dreamina-seedance-2-0 only. Anything else → 400 listing the allowed sizes.',
  },
  generate_audio: { type: 'boolean', description: 'Default true upstream.' },
  seed: { type: 'integer' },
  watermark: { type: 'boolean' },
  return_last_frame: { type: 'boolean', default: true, description: 'Keeps the last frame, served as variant=thumbnail.' },
};

/** One schema for both content types (Swagger gives every `consumes` type the same one). */
export const CREATE_VIDEO_BODY = {
  required: true,
  schema: {
    type: 'object',
    required: ['prompt'],
    properties: {
      ...CREATE_PROPERTIES,
      input_reference: {
        description:
          'First frame, under the account media policy: an uploaded image file (multipart), or {"image_url": "https://… | data URI | asset://<Asset_Id>"} ' +
          '(in multipart: the field input_reference[image_url]).',
        oneOf: [
          { type: 'string', format: 'binary' },
          { type: 'object', properties: { image_url: { type: 'string', example: 'asset://asset-20260611210100-efgh2' } } },
        ],
      },
    },
  },
  examples: {
    textToVideo: { summary: '720p 16:9, 5 s (all defaults)', value: { prompt: 'A paper boat drifting on a calm lake at dawn.' } },
    vertical4s: {
      summary: 'Fast model, 720p 9:16, 4 s',
      value: { prompt: 'A paper boat drifting on a calm lake at dawn.', model: 'dreamina-seedance-2-0-fast', size: '720x1280', seconds: '4' },
    },
    fourK: { summary: '4k 16:9 (standard model only)', value: { prompt: 'A paper boat drifting on a calm lake at dawn.', size: '3840x2160', seconds: '4' } },
    firstFrame: {
      summary: 'First frame from an image asset (replace the asset id with one of yours)',
      value: { prompt: 'The boat starts to move.', input_reference: { image_url: 'asset://asset-20260611210100-efgh2' } },
    },
  },
};

export const VIDEO_EXAMPLE = {
  id: 'video_6f1c2a9e0b7d4c3a8e5f1d2c3b4a5968',
  object: 'video',
  model: 'dreamina-seedance-2-0',
  status: 'completed',
  progress: 100,
  created_at: 1781210481,
  completed_at: 1781210537,
  expires_at: 1781296937,
  prompt: 'A paper boat drifting on a calm lake at dawn.',
  size: '1280x720',
  seconds: '5',
  remixed_from_video_id: null,
  error: null,
};

export const QUEUED_EXAMPLE = { ...VIDEO_EXAMPLE, status: 'queued', progress: 0, completed_at: null, expires_at: null };

export const LIST_EXAMPLE = { object: 'list', data: [VIDEO_EXAMPLE], first_id: VIDEO_EXAMPLE.id, last_id: VIDEO_EXAMPLE.id, has_more: false };

export const DELETED_EXAMPLE = { id: VIDEO_EXAMPLE.id, object: 'video.deleted', deleted: true };

export const MODELS_EXAMPLE = {
  object: 'list',
  data: [
    { id: 'dreamina-seedance-2-0', object: 'model', created: 1769558400, owned_by: 'arkgate' },
    { id: 'dreamina-seedance-2-0-fast', object: 'model', created: 1769558400, owned_by: 'arkgate' },
  ],
};

export const openAiError = (message: string, type: string, code: string, param: string | null = null) => ({ error: { message, type, param, code } });
