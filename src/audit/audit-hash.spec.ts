import { canonicalJson } from '../common/canonical-json';
import { eventHash, GENESIS_HASH, HashedFields, keyedEventHash, keyMark } from './audit-hash';

const event: HashedFields = {
  id: 'e1',
  occurredAt: 1781181681000,
  actorTokenId: 't1',
  actorRole: 'tenant',
  tenantId: 'ten',
  action: 'task.create',
  targetId: 'cgt-1',
  outcomeStatus: 200,
  errorCode: null,
  requestId: 'r1',
  clientIp: '127.0.0.1',
  properties: { upstream_request: { model: 'm', callback_url: 'https://example.com/cb' } },
  prevHash: GENESIS_HASH,
};

describe('audit hash chain', () => {
  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it('is stable and changes when any field or the previous hash changes', () => {
    const h = eventHash(event);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash({ ...event, properties: { upstream_request: { callback_url: 'https://example.com/cb', model: 'm' } } })).toBe(h);
    for (const change of [{ outcomeStatus: 400 }, { tenantId: 'other' }, { prevHash: 'f'.repeat(64) }, { properties: {} }, { occurredAt: 1 }]) {
      expect(eventHash({ ...event, ...change })).not.toBe(h);
    }
  });

  it('with a key, the hash is an HMAC: not the plain hash, different under another key, and covering every field', () => {
    const key = 'a'.repeat(32);
    const h = keyedEventHash(event, key);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toBe(eventHash(event));
    expect(keyedEventHash(event, 'b'.repeat(32))).not.toBe(h);
    for (const change of [{ outcomeStatus: 400 }, { prevHash: 'f'.repeat(64) }, { properties: {} }]) {
      expect(keyedEventHash({ ...event, ...change }, key)).not.toBe(h);
    }
  });

  it('the key mark binds the seq to the key', () => {
    expect(keyMark(7, 'a'.repeat(32))).not.toBe(keyMark(8, 'a'.repeat(32)));
    expect(keyMark(7, 'a'.repeat(32))).not.toBe(keyMark(7, 'b'.repeat(32)));
  });
});
