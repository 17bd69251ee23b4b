import { decodeTaskLogCursor, encodeTaskLogCursor } from './task-log-cursor';

describe('task log cursor', () => {
  it('round-trips the position of the last row', () => {
    const p = { createdAt: 1795242796123, id: '0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f' };
    expect(decodeTaskLogCursor(encodeTaskLogCursor(p))).toEqual(p);
  });

  it('is opaque: URL-safe characters only', () => {
    expect(encodeTaskLogCursor({ createdAt: 1, id: 'a/b+c' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['not base64', '!!!'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['wrong shape', Buffer.from(JSON.stringify({ a: 1 })).toString('base64url')],
    ['a negative time', Buffer.from(JSON.stringify([-1, 'x'])).toString('base64url')],
    ['an empty id', Buffer.from(JSON.stringify([1, ''])).toString('base64url')],
    ['a time that is not a number', Buffer.from(JSON.stringify(['1', 'x'])).toString('base64url')],
  ])('refuses a cursor that is %s', (_why, cursor) => {
    expect(decodeTaskLogCursor(cursor)).toBeNull();
  });
});
