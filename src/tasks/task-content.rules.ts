/**
 * The content[] rules of docs/contract.md §3 and BytePlus's video edit / extension / join scenarios. Items
 * arrive already shape-checked (type, url present); this decides whether the mix is one the upstream
 * accepts. Pure: no I/O.
 */
export type MediaKind = 'image' | 'video' | 'audio';

export interface ContentItem {
  type: string;
  role?: string;
  text?: string;
  image_url?: { url: string };
  video_url?: { url: string };
  audio_url?: { url: string };
}

export interface AssetReference {
  id: string;
  /** The type its position asks for; null where the position does not say (the type is then not checked). */
  kind: MediaKind | null;
  param: string;
}

export interface PlainMedia {
  kind: MediaKind;
  form: 'url' | 'base64';
  param: string;
}

export interface ContentSummary {
  images: number;
  videos: number;
  audios: number;
  /** At least one video_url item: selects the *-video SKU. */
  hasVideoInput: boolean;
  hasAudioReference: boolean;
  assets: AssetReference[];
  plainMedia: PlainMedia[];
}

export interface ContentViolation {
  param: string;
  message: string;
}

export const LIMITS = { images: 9, videos: 3, audios: 3, references: 12 } as const;

const KIND_OF: Record<string, MediaKind> = { image_url: 'image', video_url: 'video', audio_url: 'audio' };
const REFERENCE_ROLE: Record<MediaKind, string> = { image: 'reference_image', video: 'reference_video', audio: 'reference_audio' };
const IMAGE_ROLES = ['first_frame', 'last_frame', 'reference_image'];
const ASSET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkContent(items: ContentItem[]): { violation?: ContentViolation; summary: ContentSummary } {
  const summary: ContentSummary = { images: 0, videos: 0, audios: 0, hasVideoInput: false, hasAudioReference: false, assets: [], plainMedia: [] };
  const frames: { role?: string; param: string }[] = [];
  let references = 0;
  let firstReferenceParam = '';

  for (const [i, item] of items.entries()) {
    const kind = KIND_OF[item.type];
    if (!kind) continue;
    const param = `content[${i}]`;
    const urlParam = `${param}.${item.type}.url`;
    const url = (item[item.type as 'image_url' | 'video_url' | 'audio_url'] as { url: string }).url.trim();

    const form = mediaForm(url);
    if (form === 'invalid') {
      return fail(urlParam, 'must be an https URL, a base64 data URI, or asset://<Asset_Id>', summary);
    }
    if (form === 'asset') {
      const id = url.slice('asset://'.length);
      if (!ASSET_ID.test(id)) return fail(urlParam, 'asset:// must be followed by an asset id', summary);
      summary.assets.push({ id, kind, param: urlParam });
    } else {
      if (form === 'base64' && kind === 'video') return fail(urlParam, 'video input must be a URL or asset://, not base64', summary);
      if (form === 'base64' && !new RegExp(`^data:${kind}/[A-Za-z0-9.+-]+;base64,.`).test(url)) {
        return fail(urlParam, `base64 input must be a data:${kind}/<format>;base64,… URI`, summary);
      }
      summary.plainMedia.push({ kind, form, param: urlParam });
    }

    if (kind === 'image') {
      summary.images += 1;
      if (item.role !== undefined && !IMAGE_ROLES.includes(item.role)) {
        return fail(`${param}.role`, `image role must be one of ${IMAGE_ROLES.join(', ')}`, summary);
      }
      if (item.role === 'reference_image') {
        references += 1;
        firstReferenceParam ||= param;
      } else {
        frames.push({ role: item.role, param });
      }
    } else {
      if (item.role !== REFERENCE_ROLE[kind]) {
        return fail(`${param}.role`, `role must be ${REFERENCE_ROLE[kind]} for ${item.type}`, summary);
      }
      references += 1;
      firstReferenceParam ||= param;
      if (kind === 'video') {
        summary.videos += 1;
        summary.hasVideoInput = true;
      } else {
        summary.audios += 1;
        summary.hasAudioReference = true;
      }
    }
  }

  if (frames.length > 0 && references > 0) {
    return fail(firstReferenceParam, 'first_frame / last_frame images cannot be combined with reference images, videos or audio', summary);
  }
  if (frames.length === 1 && frames[0].role === 'last_frame') {
    return fail(`${frames[0].param}.role`, 'a last_frame image needs a first_frame image', summary);
  }
  if (frames.length === 2) {
    const roles = frames
      .map((f) => f.role)
      .sort()
      .join(',');
    if (roles !== 'first_frame,last_frame') {
      return fail(`${frames[1].param}.role`, 'two frame images must be one first_frame and one last_frame', summary);
    }
  }
  if (frames.length > 2) {
    return fail(frames[2].param, 'at most two frame images (first_frame and last_frame); use reference_image for references', summary);
  }
  const refImages = summary.images - frames.length;
  if (refImages > LIMITS.images) return fail('content', `at most ${LIMITS.images} images`, summary);
  if (summary.videos > LIMITS.videos) return fail('content', `at most ${LIMITS.videos} reference videos`, summary);
  if (summary.audios > LIMITS.audios) return fail('content', `at most ${LIMITS.audios} reference audio items`, summary);
  if (references > LIMITS.references) return fail('content', `at most ${LIMITS.references} reference items in all`, summary);
  if (summary.audios > 0 && refImages + summary.videos === 0) {
    return fail('content', 'audio cannot be the only reference: add at least one reference image or video', summary);
  }
  return { summary };
}

function fail(param: string, message: string, summary: ContentSummary) {
  return { violation: { param, message: `The parameter \`${param}\` specified in the request is not valid: ${message}.` }, summary };
}

function mediaForm(url: string): 'asset' | 'url' | 'base64' | 'invalid' {
  if (url.startsWith('asset://')) return 'asset';
  if (/^https?:\/\/[^\s/?#]+/i.test(url)) return 'url';
  if (/^data:/i.test(url)) return 'base64';
  return 'invalid';
}
