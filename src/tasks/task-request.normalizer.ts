/**
 * Normalisation of a create body before validation (docs/contract.md §3): `null` means absent (BytePlus SDKs
 * send every unset field as null), `CallbackURL` becomes `callback_url` (which wins when both are
 * sent), and an `Asset://` scheme becomes `asset://` in every string of the body, at any depth (content items,
 * `references.*`, anything else), since each is checked as an asset reference (task-references.rules.ts).
 * Pure; returns a new object.
 */
import type { FieldShape } from '../common/http/case-variant-keys';

const MEDIA_KEYS = ['image_url', 'video_url', 'audio_url'] as const;

const MEDIA: FieldShape = { fields: ['url'] };

/** Every field of a create body arkgate knows, for refusing case variants of them (docs/contract.md §10). */
export const CREATE_TASK_FIELDS: FieldShape = {
  fields: [
    'model',
    'content',
    'duration',
    'ratio',
    'resolution',
    'generate_audio',
    'watermark',
    'return_last_frame',
    'execution_expires_after',
    'priority',
    'safety_identifier',
    'service_tier',
    'draft',
    'seed',
    'camera_fixed',
    'frames',
    'callback_url',
    'references',
  ],
  aliases: ['CallbackURL'],
  nested: {
    content: {
      fields: ['type', 'text', 'role', 'image_url', 'video_url', 'audio_url', 'draft_task'],
      nested: { image_url: MEDIA, video_url: MEDIA, audio_url: MEDIA, draft_task: { fields: ['id'] } },
    },
    references: { fields: ['image', 'video', 'audio'] },
  },
};

export function normalizeCreateBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const out = dropNulls(body as Record<string, unknown>);
  if ('CallbackURL' in out) {
    if (!('callback_url' in out)) out.callback_url = out.CallbackURL;
    delete out.CallbackURL;
  }
  if (Array.isArray(out.content)) out.content = out.content.map(normalizeItem);
  return normalizeAssetStrings(out);
}

/** A copy of `value` with `normalizeAssetScheme` applied to every string in it. */
function normalizeAssetStrings(value: unknown): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return normalizeAssetScheme(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as Record<string, unknown>;
}

function dropNulls(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null));
}

function normalizeItem(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const out = dropNulls(item as Record<string, unknown>);
  for (const key of MEDIA_KEYS) {
    const media = out[key];
    if (typeof media === 'object' && media !== null && !Array.isArray(media)) {
      const m = dropNulls(media as Record<string, unknown>);
      if (typeof m.url === 'string') m.url = normalizeAssetScheme(m.url);
      out[key] = m;
    }
  }
  return out;
}

/** `Asset://x` (any case of the scheme, surrounding whitespace dropped) → `asset://x`; other strings unchanged. */
export function normalizeAssetScheme(url: string): string {
  const trimmed = url.trim();
  return /^asset:\/\//i.test(trimmed) ? `asset://${trimmed.slice('asset://'.length)}` : url;
}
