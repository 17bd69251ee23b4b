/**
 * Validation of a create-task body, strict like the upstream's body-field method: a wrong type or an out-of-range
 * value is refused with `InvalidParameter` and `param` naming the field; `null` counts as absent.
 * With an asset lookup, every `asset://ID` url must name an existing Active asset of the item's type.
 */
import {
  type ArkAssetStatus,
  type ArkAssetType,
  OUTPUT_RATIOS,
  OUTPUT_RESOLUTIONS,
  isOutputRatio,
  isOutputResolution,
  type OutputRatio,
  type OutputResolution,
} from '@arkgate/byteplus';

export const SANDBOX_MODELS = ['dreamina-seedance-2-0-260128', 'dreamina-seedance-2-0-fast-260128', 'dreamina-seedance-2-0-mini-260615'] as const;

const REQUEST_RATIOS = ['adaptive', ...OUTPUT_RATIOS] as const;
const CONTENT_TYPES = ['text', 'image_url', 'video_url', 'audio_url'] as const;
const ROLES: Record<string, readonly string[]> = {
  image_url: ['first_frame', 'last_frame', 'reference_image'],
  video_url: ['reference_video'],
  audio_url: ['reference_audio'],
};

export const DEFAULT_EXECUTION_EXPIRES_AFTER = 172800;
export const DEFAULT_DURATION = 5;
export const DEFAULT_RESOLUTION: OutputResolution = '720p';

/** What the sandbox keeps of an accepted create request. */
export interface CreateTaskParams {
  model: string;
  resolution: OutputResolution;
  /** Ratio the finished task reports (`adaptive` resolved to 16:9). */
  ratio: OutputRatio;
  /** Duration the finished task reports (-1 resolved to 5). */
  duration: number;
  seed: number;
  serviceTier: 'default' | 'flex';
  executionExpiresAfter: number;
  generateAudio: boolean;
  draft: boolean;
  priority: number;
  returnLastFrame: boolean;
  safetyIdentifier?: string;
  callbackUrl?: string;
  /** The body as received, `null` fields removed. */
  body: Record<string, unknown>;
}

export interface CreateTaskRefusal {
  status: number;
  code: string;
  param: string;
  message: string;
}

export type CreateTaskCheck = { ok: true; params: CreateTaskParams } | { ok: false; refusal: CreateTaskRefusal };

export interface ModelCatalogOptions {
  extraModels?: readonly string[];
  /** Type and status of the asset the API can see under this id; without it, `asset://` urls are not checked. */
  assetLookup?: (id: string) => { type: ArkAssetType; status: ArkAssetStatus } | undefined;
}

const ASSET_TYPE_OF_ITEM: Record<string, ArkAssetType> = { image_url: 'Image', video_url: 'Video', audio_url: 'Audio' };
const ASSET_SCHEME = /^asset:\/\//i;

type Json = Record<string, unknown>;

class Refused extends Error {
  constructor(readonly refusal: CreateTaskRefusal) {
    super(refusal.message);
  }
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(param: string, reason: string): never {
  throw new Refused({
    status: 400,
    code: 'InvalidParameter',
    param,
    message: `The parameter \`${param}\` specified in the request is not valid: ${reason}.`,
  });
}

function missing(param: string): never {
  throw new Refused({
    status: 400,
    code: 'MissingParameter',
    param,
    message: `The request failed because it is missing the required parameter \`${param}\`.`,
  });
}

function integerIn(body: Json, field: string, min: number, max: number, also: number[] = []): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || ((value < min || value > max) && !also.includes(value))) {
    const extra = also.length > 0 ? ` or ${also.join(', ')}` : '';
    invalid(field, `must be an integer between ${min} and ${max}${extra}`);
  }
  return value;
}

function boolean(body: Json, field: string, fallback: boolean): boolean {
  const value = body[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalid(field, 'must be a boolean');
  return value;
}

function oneOf<T extends string>(body: Json, field: string, allowed: readonly T[]): T | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function isKnownModel(model: string, options: ModelCatalogOptions = {}): boolean {
  return (SANDBOX_MODELS as readonly string[]).includes(model) || model.startsWith('ep-') || (options.extraModels ?? []).includes(model);
}

/** Fast and Mini models (by id) only render 480p and 720p. */
export function isSmallModel(model: string): boolean {
  return model.includes('-fast-') || model.includes('-mini-');
}

/** Any Seedance 2.0 model id (endpoint ids `ep-…` are opaque and so not counted). */
function isSeedance20(model: string): boolean {
  return model.includes('seedance-2-0');
}

/** An `asset://ID` url must name an asset that exists, is of the item's type and is Active. */
function checkAssetReference(url: string, itemType: string, param: string, lookup: NonNullable<ModelCatalogOptions['assetLookup']>): void {
  if (!ASSET_SCHEME.test(url)) return;
  if (!url.startsWith('asset://')) invalid(param, 'asset references must use the lower-case asset:// scheme');
  const id = url.slice('asset://'.length);
  if (id === '') invalid(param, 'asset:// must be followed by an asset id');
  const asset = lookup(id);
  if (!asset) invalid(param, `the asset \`${id}\` does not exist`);
  const expected = ASSET_TYPE_OF_ITEM[itemType];
  if (asset.type !== expected) invalid(param, `the asset \`${id}\` is of type ${asset.type}, but ${itemType} needs an asset of type ${expected}`);
  if (asset.status !== 'Active') invalid(param, `the asset \`${id}\` is ${asset.status}; only Active assets can be used`);
}

function checkContent(content: unknown, model: string, options: ModelCatalogOptions): void {
  if (content === undefined) missing('content');
  if (!Array.isArray(content)) invalid('content', 'must be an array');
  if (content.length === 0) invalid('content', 'must contain at least one item');
  let images = 0;
  let videos = 0;
  let audios = 0;
  const roles: string[] = [];
  content.forEach((item: unknown, i) => {
    const at = `content[${i}]`;
    if (!isObject(item)) invalid(at, 'must be an object');
    const type = item.type;
    if (typeof type !== 'string' || !(CONTENT_TYPES as readonly string[]).includes(type)) {
      invalid(`${at}.type`, `must be one of ${CONTENT_TYPES.join(', ')}`);
    }
    if (type === 'text') {
      if (typeof item.text !== 'string' || item.text.trim() === '') invalid(`${at}.text`, 'must be a non-empty string');
      return;
    }
    const media = item[type];
    if (!isObject(media) || typeof media.url !== 'string' || media.url.trim() === '') {
      invalid(`${at}.${type}`, 'must be an object with a non-empty url');
    }
    if (options.assetLookup) checkAssetReference(media.url, type, `${at}.${type}.url`, options.assetLookup);
    if (item.role !== undefined && item.role !== null) {
      if (typeof item.role !== 'string' || !ROLES[type].includes(item.role)) {
        invalid(`${at}.role`, `must be one of ${ROLES[type].join(', ')} for ${type}`);
      }
      roles.push(item.role);
    }
    if (type === 'image_url') images += 1;
    if (type === 'video_url') videos += 1;
    if (type === 'audio_url') {
      if (model.includes('-mini-')) invalid(`${at}.type`, `audio references are not supported by model ${model}`);
      audios += 1;
    }
  });
  if (images > 9) invalid('content', 'at most 9 images are allowed');
  if (videos > 3) invalid('content', 'at most 3 videos are allowed');
  if (audios > 3) invalid('content', 'at most 3 audios are allowed');
  if (images + videos + audios > 12) invalid('content', 'at most 12 references are allowed');
  if (audios > 0 && images + videos === 0) invalid('content', 'audio cannot be the only reference; add an image or a video');
  const frames = roles.filter((role) => role === 'first_frame' || role === 'last_frame');
  if (frames.length > 0 && (roles.some((role) => role.startsWith('reference_')) || videos + audios > 0)) {
    invalid('content', 'first_frame/last_frame images cannot be mixed with reference images, videos or audios');
  }
  if (frames.filter((role) => role === 'first_frame').length > 1 || frames.filter((role) => role === 'last_frame').length > 1) {
    invalid('content', 'at most one first_frame and one last_frame image are allowed');
  }
  if (frames.includes('last_frame') && !frames.includes('first_frame')) {
    invalid('content', 'a last_frame image needs a first_frame image');
  }
}

/** Checks a parsed create body; `null` fields are treated as absent. */
export function validateCreateTask(raw: unknown, options: ModelCatalogOptions = {}): CreateTaskCheck {
  try {
    return { ok: true, params: check(raw, options) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, refusal: error.refusal };
    throw error;
  }
}

function check(raw: unknown, options: ModelCatalogOptions): CreateTaskParams {
  if (!isObject(raw)) invalid('body', 'the request body must be a JSON object');
  const body: Json = {};
  for (const [key, value] of Object.entries(raw)) if (value !== null) body[key] = value;

  const model = body.model;
  if (model === undefined) missing('model');
  if (typeof model !== 'string' || model.trim() === '') invalid('model', 'must be a non-empty string');
  if (body.content === undefined) missing('content');
  if (!isKnownModel(model, options)) {
    throw new Refused({
      status: 404,
      code: 'InvalidEndpointOrModel.NotFound',
      param: 'model',
      message: `The model or endpoint ${model} does not exist or you do not have access to it.`,
    });
  }
  checkContent(body.content, model, options);

  const duration = integerIn(body, 'duration', 4, 15, [-1]);
  const ratio = oneOf(body, 'ratio', REQUEST_RATIOS);
  const resolution = oneOf(body, 'resolution', OUTPUT_RESOLUTIONS);
  if (resolution !== undefined && isSmallModel(model) && resolution !== '480p' && resolution !== '720p') {
    invalid('resolution', `model ${model} only supports 480p and 720p`);
  }
  const executionExpiresAfter = integerIn(body, 'execution_expires_after', 3600, 259200);
  const priority = integerIn(body, 'priority', 0, 9);
  const serviceTier = oneOf(body, 'service_tier', ['default', 'flex'] as const);
  if (serviceTier === 'flex' && isSeedance20(model)) invalid('service_tier', `flex is not supported by model ${model}`);
  const seed = integerIn(body, 'seed', -1, 2 ** 32 - 1);
  const generateAudio = boolean(body, 'generate_audio', true);
  const draft = boolean(body, 'draft', false);
  if (draft && isSeedance20(model)) invalid('draft', `draft mode is not supported by model ${model}`);
  const returnLastFrame = boolean(body, 'return_last_frame', false);
  boolean(body, 'watermark', false);
  boolean(body, 'camera_fixed', false);
  if (body.frames !== undefined) {
    if (isSeedance20(model)) invalid('frames', `frames is not supported by model ${model}; use duration`);
    const frames = integerIn(body, 'frames', 29, 289);
    if (frames !== undefined && (frames - 25) % 4 !== 0) invalid('frames', 'must be of the form 25+4n');
  }
  const safetyIdentifier = body.safety_identifier;
  if (safetyIdentifier !== undefined && (typeof safetyIdentifier !== 'string' || safetyIdentifier.length > 64)) {
    invalid('safety_identifier', 'must be a string of at most 64 characters');
  }
  const callbackUrl = body.callback_url;
  if (callbackUrl !== undefined && (typeof callbackUrl !== 'string' || callbackUrl.trim() === '')) {
    invalid('callback_url', 'must be a non-empty string');
  }

  const actualRatio = ratio === undefined || ratio === 'adaptive' ? '16:9' : ratio;
  if (!isOutputRatio(actualRatio)) invalid('ratio', 'unsupported');
  const actualResolution = resolution ?? DEFAULT_RESOLUTION;
  if (!isOutputResolution(actualResolution)) invalid('resolution', 'unsupported');
  return {
    model,
    resolution: actualResolution,
    ratio: actualRatio,
    duration: duration === undefined || duration === -1 ? DEFAULT_DURATION : duration,
    seed: seed === undefined || seed === -1 ? Math.floor(Math.random() * 2 ** 31) : seed,
    serviceTier: serviceTier ?? 'default',
    executionExpiresAfter: executionExpiresAfter ?? DEFAULT_EXECUTION_EXPIRES_AFTER,
    generateAudio,
    draft,
    priority: priority ?? 0,
    returnLastFrame,
    safetyIdentifier: safetyIdentifier,
    callbackUrl: callbackUrl,
    body,
  };
}
