/**
 * Stored snapshots of a create (the task record's `upstream_request`, the `task.create` audit event) keep inline
 * media (base64 `data:` URIs) above INLINE_MEDIA_KEEP_CHARS as their length and SHA-256 instead of the bytes
 * (docs/contract.md §10: a 60 MB image written into a row, re-read by every sync and hashed into the audit chain blocked the
 * event loop for seconds). Upstream still receives the request exactly as validated; everything else in the
 * snapshot is kept as sent.
 */
import { createHash } from 'node:crypto';
import { heldString } from '@arkgate/byteplus';

export const INLINE_MEDIA_KEEP_CHARS = 64 * 1024;

/**
 * What a stored snapshot keeps of a large data URI: its media type, its length and its digest. A held string's
 * stand-in (libs/byteplus/src/held-strings.ts) has its original's prefix; `length` is the original's.
 */
export function inlineMediaMarker(dataUri: string, sha256Hex: string, length = dataUri.length): string {
  const comma = dataUri.indexOf(',');
  const prefix = comma > 0 && comma <= 128 ? dataUri.slice(0, comma + 1) : 'data:';
  return `${prefix}[inline media not stored: ${length} characters, sha256 ${sha256Hex}]`;
}

/**
 * `value` with every string that is a data URI longer than `keepChars` replaced by its marker. Only the objects on
 * the way to a replaced string are copied; the digests are computed off the event loop.
 */
export async function compactInlineMedia<T>(value: T, keepChars = INLINE_MEDIA_KEEP_CHARS): Promise<T> {
  const big: string[] = [];
  collect(value, keepChars, big);
  if (big.length === 0) return value;
  const markers = new Map<string, string>();
  for (const s of big) {
    if (markers.has(s)) continue;
    const held = heldString(s);
    markers.set(s, held ? inlineMediaMarker(s, held.sha256, held.length) : inlineMediaMarker(s, await sha256Hex(s)));
  }
  return replace(value, markers) as T;
}

function isBigDataUri(v: unknown, keepChars: number): v is string {
  return typeof v === 'string' && v.startsWith('data:') && (v.length > keepChars || (heldString(v)?.length ?? 0) > keepChars);
}

function collect(v: unknown, keepChars: number, out: string[]): void {
  if (isBigDataUri(v, keepChars)) out.push(v);
  else if (Array.isArray(v)) for (const x of v) collect(x, keepChars, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x, keepChars, out);
}

function replace(v: unknown, markers: Map<string, string>): unknown {
  if (typeof v === 'string') return markers.get(v) ?? v;
  if (Array.isArray(v)) return v.map((x) => replace(x, markers));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x, markers)]));
  return v;
}

const SLICE_CHARS = 1024 * 1024;

/** SHA-256 of the string's UTF-8, a megabyte at a time, yielding to the event loop between slices. */
async function sha256Hex(s: string): Promise<string> {
  const hash = createHash('sha256');
  for (let i = 0; i < s.length;) {
    let end = Math.min(s.length, i + SLICE_CHARS);
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end -= 1; // never split a surrogate pair
    hash.update(s.slice(i, end), 'utf8');
    i = end;
    if (i < s.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return hash.digest('hex');
}
