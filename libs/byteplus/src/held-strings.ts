/**
 * Held strings: a base64 data URI of a megabyte or more from a create's JSON body, kept as the bytes of its JSON text
 * instead of a string on the event loop's heap (docs/contract.md §10: nothing blocks other requests for more than
 * 100 ms). Making a 60 MB string on the event loop's thread costs its page faults in one step (200–300 ms on some
 * machines); bytes made and touched by the parser's worker thread are handed over without that cost.
 *
 * In the parsed value a held string is replaced by its stand-in: the same `data:<type>;base64,` prefix and the first
 * 960 characters of the payload, then 64 hex digits of a random nonce. A stand-in is still a base64 data URI, longer
 * than any length limit a field has, so validation sees what it would of the original; everything that needs the
 * whole string (the body sent upstream, the idempotency digest, the stored marker) looks the stand-in up here.
 * The entry lives as long as the request that made it (`release`).
 */
/** Strings from this length on are held (when they are base64 data URIs). */
export const HOLD_FROM_CHARS = 1024 * 1024;
/** Payload characters a stand-in keeps (a multiple of 4, so the stand-in's payload is whole base64 groups). */
export const STAND_IN_PAYLOAD_CHARS = 960;

/**
 * A base64 data URI, nothing else: media type, parameters, `;base64,`, then only base64 characters. Such a string is
 * ASCII, so its JSON text is the string in quotes and its UTF-8 is its Latin-1.
 */
export const BASE64_DATA_URI = /^data:[\w!#$&^.+-]{1,127}\/[\w!#$&^.+-]{1,127}(?:;[\w!#$&^.+=-]{1,127}){0,8};base64,[A-Za-z0-9+/]*={0,2}$/;

export interface HeldString {
  /** JSON.stringify(original) as UTF-8: the original in double quotes. */
  json: Buffer;
  /** The original's length in characters. */
  length: number;
  /** SHA-256 (hex) of the original's UTF-8. */
  sha256: string;
}

/** No stand-in is longer: the longest prefix BASE64_DATA_URI allows, the kept payload and the nonce. */
const STAND_IN_MAX_CHARS = 5 + 127 * 2 + 1 + 9 * 128 + 8 + STAND_IN_PAYLOAD_CHARS + 64;

const held = new Map<string, HeldString>();

/** The held string `s` stands in for, if it is a stand-in. */
export function heldString(s: string): HeldString | undefined {
  return held.size === 0 || s.length > STAND_IN_MAX_CHARS ? undefined : held.get(s);
}
/** Registers `standIn` for `entry` until `release`. */
export function hold(standIn: string, entry: HeldString): () => void {
  held.set(standIn, entry);
  return () => {
    held.delete(standIn);
  };
}

/** How many strings are held now (for tests). */
export function heldCount(): number {
  return held.size;
}
