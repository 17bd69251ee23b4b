/**
 * Turns a `POST /v1/videos` request (JSON, or multipart/form-data whose fields are all strings) into the body
 * of a native task create. Pure. Everything the facade decides is decided here: the model default, the size →
 * resolution and ratio mapping, and the `seconds` default, which is always sent upstream as `duration` so the
 * spend reservation, the render and the price agree.
 */
import { resolveModelName } from '../catalog/catalog-rules';
import { DomainError } from '../common/errors/domain-error';
import { DEFAULT_SIZE, shapeOfSize, sizesFor } from './video-sizes';

export const DEFAULT_VIDEO_MODEL = 'dreamina-seedance-2-0';
export const DEFAULT_SECONDS = 5;
export const MIN_SECONDS = 4;
export const MAX_SECONDS = 15;

/** Image types the upstream accepts as a first frame. */
export const INPUT_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff', 'image/gif', 'image/heic', 'image/heif'];

/** The upstream's limit for one reference image. */
export const INPUT_IMAGE_MAX_BYTES = 30 * 1024 * 1024;

const FIELDS = ['prompt', 'model', 'seconds', 'size', 'input_reference', 'generate_audio', 'seed', 'watermark', 'return_last_frame'];

export interface UploadedImage {
  mimetype: string;
  buffer: Buffer;
  /** The file as its data URI, when already made (VideoCreatePipe makes a large one off the event loop, held). */
  dataUri?: string;
}

export interface VideoCreate {
  /** The stable model name. */
  model: string;
  prompt: string;
  size: string;
  seconds: number;
  /** The body handed to the native create. */
  native: Record<string, unknown>;
}

export function translateCreate(raw: unknown, upload?: UploadedImage): VideoCreate {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw DomainError.invalid('', 'The request body must be a JSON object or multipart/form-data.');
  }
  const body = raw as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (key === 'callback_url' || key === 'CallbackURL') {
      throw DomainError.invalid(key, 'callback_url is not supported on /v1/videos: poll GET /v1/videos/{id}, or use the native tasks API for callbacks.');
    }
    if (!FIELDS.includes(key)) throw DomainError.invalid(key, `Unknown parameter: '${key}'.`);
  }
  const nul = findNul(body);
  if (nul !== undefined) throw DomainError.invalid(nul, `${nul} must not contain the NUL character (\\u0000).`);
  const value = (key: string) => (body[key] === null ? undefined : body[key]);

  const prompt = value('prompt');
  if (typeof prompt !== 'string' || prompt.trim() === '') throw DomainError.invalid('prompt', 'prompt is required and must be a non-empty string.');

  const requested = value('model') ?? DEFAULT_VIDEO_MODEL;
  if (typeof requested !== 'string') throw DomainError.invalid('model', 'model must be a string.');
  const resolved = resolveModelName(requested);
  if (!resolved.ok) throw DomainError.invalid('model', resolved.message);
  const model = resolved.model;

  const size = value('size') ?? DEFAULT_SIZE;
  const shape = typeof size === 'string' ? shapeOfSize(model, size) : undefined;
  if (!shape) {
    const allowed = [...sizesFor(model).keys()].join(', ');
    throw DomainError.invalid('size', `size ${JSON.stringify(size)} is not offered by ${model.name}. Allowed sizes: ${allowed}.`);
  }

  const seconds = parseSeconds(value('seconds'));

  const native: Record<string, unknown> = {
    model: model.name,
    content: [{ type: 'text', text: prompt }, ...inputReference(value('input_reference'), upload)],
    resolution: shape.resolution,
    ratio: shape.ratio,
    duration: seconds,
    return_last_frame: bool(value('return_last_frame'), 'return_last_frame') ?? true,
  };
  const generateAudio = bool(value('generate_audio'), 'generate_audio');
  if (generateAudio !== undefined) native.generate_audio = generateAudio;
  const watermark = bool(value('watermark'), 'watermark');
  if (watermark !== undefined) native.watermark = watermark;
  const seed = int(value('seed'), 'seed');
  if (seed !== undefined) native.seed = seed;
  return { model: model.name, prompt, size: size as string, seconds, native };
}

/** The first field (multipart nests `input_reference[image_url]`) whose text holds U+0000, which no store keeps. */
function findNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = findNul(inner, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

function parseSeconds(raw: unknown): number {
  if (raw === undefined) return DEFAULT_SECONDS;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < MIN_SECONDS || n > MAX_SECONDS) {
    throw new DomainError(
      'invalid_duration',
      `seconds must be a whole number of seconds from "${MIN_SECONDS}" to "${MAX_SECONDS}", got ${JSON.stringify(raw)}.`,
      'seconds',
    );
  }
  return n;
}

/** The first-frame image: an uploaded file (as a data URI) or `{"image_url": …}` (https, data URI or asset://). */
function inputReference(raw: unknown, upload: UploadedImage | undefined): Record<string, unknown>[] {
  if (upload && raw !== undefined)
    throw DomainError.invalid('input_reference', 'Send input_reference either as an uploaded file or as {"image_url": …}, not both.');
  let url: string;
  if (upload) {
    const type = upload.mimetype.toLowerCase();
    if (!INPUT_IMAGE_TYPES.includes(type)) {
      throw DomainError.invalid(
        'input_reference',
        `input_reference must be an image (${INPUT_IMAGE_TYPES.join(', ')}), got ${JSON.stringify(upload.mimetype)}.`,
      );
    }
    if (upload.buffer.length === 0 && upload.dataUri === undefined) throw DomainError.invalid('input_reference', 'input_reference is an empty file.');
    url = upload.dataUri ?? `data:${type};base64,${upload.buffer.toString('base64')}`;
  } else if (raw === undefined) {
    return [];
  } else {
    const ref = typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
    const extra = ref && Object.keys(ref).find((k) => k !== 'image_url');
    if (!ref || extra !== undefined || typeof ref.image_url !== 'string' || ref.image_url.trim() === '') {
      throw DomainError.invalid(
        extra ? `input_reference.${extra}` : 'input_reference',
        'input_reference must be an uploaded image file or {"image_url": "https://… | asset://<Asset_Id>"}; file ids are not supported.',
      );
    }
    url = ref.image_url;
  }
  return [{ type: 'image_url', role: 'first_frame', image_url: { url } }];
}

function bool(raw: unknown, param: string): boolean | undefined {
  if (raw === undefined || typeof raw === 'boolean') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw DomainError.invalid(param, `${param} must be true or false.`);
}

function int(raw: unknown, param: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw DomainError.invalid(param, `${param} must be an integer.`);
  return n;
}

/** A native error's `param` in the facade's terms (duration → seconds, resolution/ratio → size, content[1] → input_reference). */
export function facadeParam(param: string): string {
  if (param === 'duration') return 'seconds';
  if (param === 'resolution' || param === 'ratio') return 'size';
  if (param.startsWith('content[0]')) return 'prompt';
  if (param.startsWith('content')) return 'input_reference';
  return param;
}
