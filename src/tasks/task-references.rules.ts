/**
 * Every place a create body can point at media (docs/contract.md §3, §10): `asset://` strings anywhere in the
 * body (content items, `references.*`, unknown fields at any depth, since unknown fields are forwarded
 * and the upstream resolves asset ids wherever it reads them), and plain URLs or base64 data where
 * media is expected (content media items and `references.<image|video|audio>`). Pure: no I/O.
 */
import type { AssetReference, MediaKind } from './task-content.rules';

export type BodyPath = ReadonlyArray<string | number>;

export interface PlainMediaRef {
  kind: MediaKind;
  form: 'url' | 'base64';
  /** The value as sent (untrimmed). */
  value: string;
  param: string;
  path: BodyPath;
}

export interface BodyReferences {
  /** Each distinct asset id once per kind; `kind` is null where the position does not say. */
  assets: AssetReference[];
  plain: PlainMediaRef[];
}

const ITEM_KIND: Record<string, MediaKind> = { image_url: 'image', video_url: 'video', audio_url: 'audio' };
const REFERENCE_KIND: Record<string, MediaKind> = { image: 'image', video: 'video', audio: 'audio' };
const ASSET_PREFIX = /^asset:\/\//i;

/**
 * Walks the whole body. The kind of a reference comes from its position: `content[i].<image_url|video_url|audio_url>`
 * or `references.<image|video|audio>` (any depth below them); elsewhere it is unknown and only ownership and
 * status can be checked.
 */
export function collectReferences(body: Record<string, unknown>): BodyReferences {
  const found: BodyReferences = { assets: [], plain: [] };
  const seen = new Set<string>();

  const visit = (value: unknown, path: (string | number)[], kind: MediaKind | null, mediaSlot: boolean): void => {
    if (typeof value === 'string') {
      const trimmed = value.trim();
      const param = paramOf(path);
      if (ASSET_PREFIX.test(trimmed)) {
        const id = trimmed.slice('asset://'.length);
        const key = `${kind ?? ''}\u0000${id}`;
        if (!seen.has(key)) {
          seen.add(key);
          found.assets.push({ id, kind, param });
        }
      } else if (mediaSlot && kind !== null && /^https?:\/\//i.test(trimmed)) {
        found.plain.push({ kind, form: 'url', value, param, path: [...path] });
      } else if (mediaSlot && kind !== null && /^data:/i.test(trimmed)) {
        found.plain.push({ kind, form: 'base64', value, param, path: [...path] });
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i], kind, mediaSlot));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const at = [...path, key];
      if (path.length === 2 && path[0] === 'content' && typeof path[1] === 'number' && key in ITEM_KIND) {
        visitItemMedia(child, at, ITEM_KIND[key]);
      } else if (path.length === 1 && path[0] === 'references' && key in REFERENCE_KIND) {
        visit(child, at, REFERENCE_KIND[key], true);
      } else {
        visit(child, at, kind, mediaSlot);
      }
    }
  };

  /** `content[i].image_url`: its `url` is the media; anything else inside is still searched for asset ids. */
  const visitItemMedia = (media: unknown, path: (string | number)[], kind: MediaKind): void => {
    if (typeof media !== 'object' || media === null || Array.isArray(media)) return visit(media, path, kind, false);
    for (const [key, child] of Object.entries(media as Record<string, unknown>)) visit(child, [...path, key], kind, key === 'url');
  };

  visit(body, [], null, false);
  return found;
}

/** `content[1].video_url.url`, `references.image[0]`. */
export function paramOf(path: BodyPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Replaces the value at `path` (which must exist) in place. */
export function setAt(body: Record<string, unknown>, path: BodyPath, value: unknown): void {
  // Objects and arrays alike: an array's element is its property named by the index.
  let parent = body as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
  parent[path[path.length - 1]] = value;
}
