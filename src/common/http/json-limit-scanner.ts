/**
 * docs/contract.md §10 "JSON limits checked before any other work": an incremental scan of a JSON body, fed the
 * raw bytes chunk by chunk as they arrive, that stops at the first byte passing a limit. Nothing is
 * parsed or allocated per value, so a hostile body costs one pass over the bytes read so far and never
 * blocks the event loop for longer than one chunk takes. It checks only the limits; whether the text
 * is valid JSON is JSON.parse's job once the whole body has passed.
 *
 * Limits: nesting depth, keys plus array items in all, no NUL (raw or `\u0000`), no key that would
 * reach an object's prototype machinery (`__proto__`, `constructor`, `prototype`), and no top-level
 * `access_token` (tokens travel only in the Authorization header).
 */

export interface JsonLimits {
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /** Object keys plus array items, over the whole body. */
  maxEntries: number;
}

export const JSON_LIMITS: JsonLimits = { maxDepth: 32, maxEntries: 10_000 };

/** Keys that class-transformer and plain object code treat as the prototype chain. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Keys longer than this cannot be a forbidden one; only this much of a key is kept. */
const KEY_KEEP = 16;

export interface JsonLimitViolation {
  message: string;
  /** The field the refusal names, when there is one. */
  param: string;
}

const OBJECT = 1;
const ARRAY = 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** What a backslash escape stands for (only the ASCII that a key comparison needs). */
function simpleEscape(c: number): string {
  switch (c) {
    case 0x62:
      return '\b';
    case 0x66:
      return '\f';
    case 0x6e:
      return '\n';
    case 0x72:
      return '\r';
    case 0x74:
      return '\t';
    default:
      return String.fromCharCode(c);
  }
}

function indexOrEnd(chunk: Uint8Array, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at === -1 ? chunk.length : at;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

export class JsonLimitScanner {
  private readonly stack: Uint8Array;
  private depth = 0;
  private entries = 0;
  private inString = false;
  /** 0: none; 1: after a backslash; 2–5: reading the hex digits of `\u`. */
  private escape = 0;
  private hex = 0;
  private stringIsKey = false;
  private key = '';
  private expectKey = false;
  private arrayItemPending = false;
  private violation: JsonLimitViolation | undefined;

  constructor(private readonly limits: JsonLimits = JSON_LIMITS) {
    this.stack = new Uint8Array(limits.maxDepth + 2);
  }

  /** Scans the next chunk; the first violation found (also on every later call), else undefined. */
  feed(chunk: Uint8Array): JsonLimitViolation | undefined {
    if (this.violation) return this.violation;
    if (chunk.indexOf(0) !== -1) return this.fail('The request body must not contain NUL characters.', '');
    // Positions of the next quote and backslash, found natively: the inside of a long string value
    // (a base64 image, say) is skipped in one step instead of byte by byte.
    let nextQuote = -1;
    let nextBackslash = -1;
    for (let i = 0; i < chunk.length; i++) {
      if (this.inString && this.escape === 0 && !this.stringIsKey) {
        if (nextQuote < i) nextQuote = indexOrEnd(chunk, QUOTE, i);
        if (nextBackslash < i) nextBackslash = indexOrEnd(chunk, BACKSLASH, i);
        i = Math.min(nextQuote, nextBackslash);
        if (i >= chunk.length) break;
      }
      const c = chunk[i];
      if (this.inString) {
        if (this.escape === 1) {
          if (c === 0x75) {
            this.escape = 2;
            this.hex = 0;
          } else {
            this.escape = 0;
            if (this.stringIsKey) this.keyChar(simpleEscape(c));
          }
        } else if (this.escape >= 2) {
          const v = hexValue(c);
          if (v < 0) {
            this.escape = 0; // not JSON; JSON.parse will say so
            continue;
          }
          this.hex = this.hex * 16 + v;
          if (++this.escape === 6) {
            this.escape = 0;
            if (this.hex === 0) return this.fail('Strings in the request body must not contain NUL characters (\\u0000).', '');
            if (this.stringIsKey) this.keyChar(String.fromCharCode(this.hex));
          }
        } else if (c === BACKSLASH) {
          this.escape = 1;
        } else if (c === QUOTE) {
          this.inString = false;
          if (this.stringIsKey) {
            const v = this.checkKey();
            if (v) return v;
          }
        } else if (this.stringIsKey) {
          this.keyChar(c < 0x80 ? String.fromCharCode(c) : '\ufffd');
        }
        continue;
      }
      switch (c) {
        case QUOTE: {
          if (this.arrayItemPending && !this.countItem()) return this.violation;
          this.inString = true;
          this.escape = 0;
          this.stringIsKey = this.stack[this.depth] === OBJECT && this.expectKey;
          if (this.stringIsKey) {
            this.expectKey = false;
            this.key = '';
            if (++this.entries > this.limits.maxEntries) return this.tooManyEntries();
          }
          break;
        }
        case 0x7b: // {
        case 0x5b: // [
          if (this.arrayItemPending && !this.countItem()) return this.violation;
          if (++this.depth > this.limits.maxDepth) {
            return this.fail(`The request body is nested too deeply (at most ${this.limits.maxDepth} levels).`, '');
          }
          this.stack[this.depth] = c === 0x7b ? OBJECT : ARRAY;
          this.expectKey = c === 0x7b;
          this.arrayItemPending = c === 0x5b;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          if (this.depth > 0) this.depth--;
          this.expectKey = false;
          this.arrayItemPending = false;
          break;
        case 0x2c: // ,
          this.expectKey = this.stack[this.depth] === OBJECT;
          this.arrayItemPending = this.stack[this.depth] === ARRAY;
          break;
        case 0x3a: // :
          this.expectKey = false;
          break;
        case 0x20:
        case 0x09:
        case 0x0a:
        case 0x0d:
          break;
        default:
          if (this.arrayItemPending && !this.countItem()) return this.violation;
      }
    }
    return undefined;
  }

  private keyChar(ch: string): void {
    if (this.key.length <= KEY_KEEP) this.key += ch;
  }

  private checkKey(): JsonLimitViolation | undefined {
    const key = this.key;
    if (key.length > KEY_KEEP) return undefined;
    if (FORBIDDEN_KEYS.includes(key)) return this.fail(`The key \`${key}\` is not allowed in a request body.`, key);
    if (this.depth === 1 && key.toLowerCase() === 'access_token') {
      return this.fail('Send the API token only in the Authorization: Bearer header, never in the request body.', key);
    }
    return undefined;
  }

  private countItem(): boolean {
    this.arrayItemPending = false;
    if (++this.entries > this.limits.maxEntries) {
      this.tooManyEntries();
      return false;
    }
    return true;
  }

  private tooManyEntries(): JsonLimitViolation {
    return this.fail(`The request body has too many keys and array items (at most ${this.limits.maxEntries} in all).`, '');
  }

  private fail(message: string, param: string): JsonLimitViolation {
    this.violation = { message, param };
    return this.violation;
  }
}
