/**
 * A request body as JSON without one long synchronous step (docs/contract.md §10: nothing blocks the event loop for more than
 * 100 ms). Small bodies are `JSON.stringify`; a body holding a string of a megabyte or more (a base64 image) is
 * serialised in slices of 64K characters into UTF-8 chunks, yielding to the event loop between slices, and a held
 * string's stand-in (held-strings.ts) becomes its held bytes, uncopied. The bytes are exactly JSON.stringify's of the
 * value with every original in place; `exchange` sends them with their Content-Length, paced (see http-exchange.ts).
 */
import { heldString } from './held-strings';

const LONG_STRING_CHARS = 1024 * 1024;
/**
 * 64K characters a slice (well under a millisecond each): several large creates at once queue their slices in the
 * same turn of the event loop (setImmediate), so a slice must stay small for the sum to stay small.
 */
const SLICE_CHARS = 64 * 1024;

/** A JSON body already encoded, in chunks. */
export interface ChunkedJsonBody {
  byteLength: number;
  chunks: Buffer[];
}

export async function jsonBody(value: unknown): Promise<string | ChunkedJsonBody> {
  if (!hasLongString(value)) return JSON.stringify(value);
  const chunks: Buffer[] = [];
  let byteLength = 0;
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = () => {
    const chunk = Buffer.from(pending.join(''), 'utf8');
    chunks.push(chunk);
    byteLength += chunk.length;
    pending = [];
    pendingChars = 0;
  };
  for (const piece of pieces(value)) {
    if (typeof piece !== 'string') {
      // A held string's JSON text: its own chunk, not copied (the chunks keep its memory alive once it is released).
      if (pendingChars > 0) flush();
      chunks.push(piece);
      byteLength += piece.length;
      continue;
    }
    pending.push(piece);
    pendingChars += piece.length;
    if (pendingChars >= SLICE_CHARS) {
      flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  flush();
  return { byteLength, chunks };
}

function hasLongString(v: unknown): boolean {
  if (typeof v === 'string') return v.length >= LONG_STRING_CHARS || heldString(v) !== undefined;
  if (Array.isArray(v)) return v.some(hasLongString);
  if (v && typeof v === 'object') return Object.values(v).some(hasLongString);
  return false;
}

/** Omitted from objects (and `null` in arrays) by JSON.stringify. */
function isSkipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** JSON.stringify(v) as consecutive pieces, long strings cut into slices, held strings as their bytes. */
function* pieces(v: unknown): Generator<string | Buffer> {
  if (typeof v === 'string') {
    const held = heldString(v);
    if (held) {
      yield held.json;
      return;
    }
    if (v.length < LONG_STRING_CHARS) {
      yield JSON.stringify(v);
      return;
    }
    yield '"';
    for (let i = 0; i < v.length;) {
      let end = Math.min(v.length, i + SLICE_CHARS);
      // Never cut a surrogate pair: JSON.stringify would escape its halves.
      const last = v.charCodeAt(end - 1);
      if (end < v.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
      yield JSON.stringify(v.slice(i, end)).slice(1, -1);
      i = end;
    }
    yield '"';
    return;
  }
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    yield JSON.stringify(v);
    return;
  }
  if (Array.isArray(v)) {
    yield '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) yield ',';
      if (isSkipped(v[i])) yield 'null';
      else yield* pieces(v[i]);
    }
    yield ']';
    return;
  }
  if (v !== null && typeof v === 'object') {
    yield '{';
    let first = true;
    for (const [k, x] of Object.entries(v)) {
      if (isSkipped(x)) continue;
      yield `${first ? '' : ','}${JSON.stringify(k)}:`;
      first = false;
      yield* pieces(x);
    }
    yield '}';
    return;
  }
  yield JSON.stringify(v);
}
