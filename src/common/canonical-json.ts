/**
 * JSON with object keys sorted at every depth (undefined members left out, as JSON.stringify does), so
 * the same value serialises the same however it was built: for idempotency and audit hashes.
 */
import { createHash } from 'node:crypto';
import { heldString } from '@arkgate/byteplus';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const LONG_STRING_CHARS = 1024 * 1024;
/** 64K characters a slice: concurrent digests queue their slices in the same turn of the event loop (see json-body.ts). */
const SLICE_CHARS = 64 * 1024;

/**
 * SHA-256 (hex) of canonicalJson(value)'s UTF-8, the same digest, computed without one long synchronous step
 * (docs/contract.md §10): strings of a megabyte or more are hashed 64K characters at a time, yielding to the event loop between slices;
 * a held string's stand-in (libs/byteplus/src/held-strings.ts) is hashed as its original, from its held bytes.
 */
export async function canonicalJsonSha256(value: unknown): Promise<string> {
  const hash = createHash('sha256');
  for (const piece of canonicalPieces(value)) {
    if (piece === YIELD) await new Promise((resolve) => setImmediate(resolve));
    else if (typeof piece === 'string') hash.update(piece, 'utf8');
    else {
      // A held string's JSON text (libs/byteplus/src/held-strings.ts), a megabyte at a time.
      for (let i = 0; i < piece.length; i += HELD_SLICE_BYTES) {
        hash.update(piece.subarray(i, i + HELD_SLICE_BYTES));
        if (i + HELD_SLICE_BYTES < piece.length) await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
  return hash.digest('hex');
}

/** Bytes of a held string hashed per turn of the event loop (about a millisecond). */
const HELD_SLICE_BYTES = 1024 * 1024;

const YIELD = Symbol('yield');

function* canonicalPieces(value: unknown): Generator<string | Buffer | typeof YIELD> {
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      yield* canonicalPieces(value[i]);
    }
    yield ']';
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    yield '{';
    let first = true;
    for (const k of Object.keys(o).sort()) {
      if (o[k] === undefined) continue;
      yield `${first ? '' : ','}${JSON.stringify(k)}:`;
      first = false;
      yield* canonicalPieces(o[k]);
    }
    yield '}';
  } else if (typeof value === 'string' && heldString(value)) {
    yield heldString(value)!.json;
  } else if (typeof value === 'string' && value.length >= LONG_STRING_CHARS) {
    yield '"';
    for (let i = 0; i < value.length;) {
      let end = Math.min(value.length, i + SLICE_CHARS);
      const last = value.charCodeAt(end - 1);
      if (end < value.length && last >= 0xd800 && last <= 0xdbff) end -= 1; // never split a surrogate pair
      yield JSON.stringify(value.slice(i, end)).slice(1, -1);
      yield YIELD;
      i = end;
    }
    yield '"';
  } else {
    yield JSON.stringify(value) ?? 'null';
  }
}
