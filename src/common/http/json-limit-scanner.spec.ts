import { JsonLimitScanner, JsonLimitViolation } from './json-limit-scanner';

/** Scans `text` split into chunks of `size` bytes; the first violation or undefined. */
function scan(text: string | Buffer, size = 7, limits = { maxDepth: 32, maxEntries: 10_000 }): JsonLimitViolation | undefined {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const scanner = new JsonLimitScanner(limits);
  for (let i = 0; i < bytes.length; i += size) {
    const v = scanner.feed(bytes.subarray(i, i + size));
    if (v) return v;
  }
  return undefined;
}

describe('JSON limits scanned as the body arrives (docs/contract.md §10)', () => {
  it('passes an ordinary create body, whatever the chunking', () => {
    const body = JSON.stringify({
      model: 'dreamina-seedance-2-0-fast',
      content: [
        { type: 'text', text: 'a "quoted" \\ prompt with {braces} [and] commas, and ünïcode' },
        { type: 'image_url', image_url: { url: 'asset://a-1' } },
      ],
      duration: 4,
      nested: { a: [1, 2, [3, { b: null }]], constructorish: true, my_constructor: 1 },
    });
    for (const size of [1, 2, 3, 5, 64, 1 << 16]) expect(scan(body, size)).toBeUndefined();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s at any depth, also when escaped', (key) => {
    expect(scan(`{"x":{"${key}":1}}`)).toMatchObject({ param: key });
    expect(scan(`{"${key}":{}}`, 1)).toMatchObject({ param: key });
    expect(scan(`{"a":[{"b":{"${key}":1}}]}`)).toMatchObject({ param: key });
    const escaped = key.replace(/o/g, '\\u006f').replace(/_/g, '\\u005F');
    expect(scan(`{"x":{"${escaped}":1}}`, 1)).toMatchObject({ param: key });
  });

  it('does not mistake a string value for a key', () => {
    expect(scan('{"x":"constructor","y":["__proto__","prototype"]}')).toBeUndefined();
  });

  it('refuses a top-level access_token in any case, but not deeper down', () => {
    expect(scan('{"model":"m","access_token":"oh-x"}')).toMatchObject({ param: 'access_token' });
    expect(scan('{"Access_Token":"oh-x"}')).toMatchObject({ param: 'Access_Token' });
    expect(scan('{"meta":{"access_token":"x"}}')).toBeUndefined();
  });

  it('refuses NUL as an escape and as a raw byte, split across chunks', () => {
    expect(scan('{"text":"a\\u0000b"}', 1)).toMatchObject({ message: expect.stringContaining('NUL') });
    expect(scan('{"text":"a\\u0000b"}', 3)).toBeDefined();
    expect(scan(Buffer.from([0x7b, 0x22, 0x61, 0x00, 0x22]))).toBeDefined();
    expect(scan('{"text":"a\\u0001b \\\\u0000"}')).toBeUndefined(); // an escaped backslash followed by the text u0000
  });

  it('refuses nesting deeper than the limit and passes it at the limit', () => {
    expect(scan('['.repeat(32) + ']'.repeat(32))).toBeUndefined();
    expect(scan('['.repeat(33) + ']'.repeat(33))).toMatchObject({ message: expect.stringContaining('nested') });
    expect(scan('{"a":'.repeat(40) + '1' + '}'.repeat(40))).toBeDefined();
  });

  it('counts keys and array items over the whole body', () => {
    const limits = { maxDepth: 32, maxEntries: 5 };
    expect(scan('{"a":1,"b":[1,2],"c":{}}', 1, limits)).toBeUndefined(); // a, b, 1, 2, c
    expect(scan('{"a":1,"b":[1,2,3],"c":{}}', 1, limits)).toBeDefined();
    expect(scan('[[],[],[],[],[]]', 1, limits)).toBeUndefined();
    expect(scan('[[],[],[],[],[],[]]', 1, limits)).toBeDefined();
    expect(scan('["a,b","c]d",{"e":"f"}]', 1, limits)).toBeUndefined(); // "a,b" "c]d" {} e
  });

  it('stops at the first key past the limit of a 140,000-key body, long before its end', () => {
    const body = `{${Array.from({ length: 140_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    const scanner = new JsonLimitScanner();
    const bytes = Buffer.from(body);
    let readUpTo = -1;
    for (let i = 0; i < bytes.length; i += 65536) {
      if (scanner.feed(bytes.subarray(i, i + 65536))) {
        readUpTo = i + 65536;
        break;
      }
    }
    expect(readUpTo).toBeGreaterThan(0);
    expect(readUpTo).toBeLessThan(bytes.length / 5);
  });

  it('keeps answering the first violation', () => {
    const scanner = new JsonLimitScanner();
    const first = scanner.feed(Buffer.from('{"constructor":'));
    expect(scanner.feed(Buffer.from('1}'))).toBe(first);
  });
});
