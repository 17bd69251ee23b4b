/** Which transport failures prove that nothing reached the upstream (a create that was definitely not made). */
import { failedBeforeSending } from './ark-errors';

const sysError = (code: string) => Object.assign(new Error(code), { code });
const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });

describe('failedBeforeSending', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])(
    'a fetch that failed with %s sent nothing',
    (code) => expect(failedBeforeSending(fetchFailed(sysError(code)))).toBe(true),
  );

  it.each(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT'])('a fetch that failed with %s may have sent the request', (code) =>
    expect(failedBeforeSending(fetchFailed(sysError(code)))).toBe(false),
  );

  it('every address of a multi-address connect refused → nothing sent', () => {
    const all = Object.assign(new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNREFUSED')]), { code: 'ECONNREFUSED' });
    expect(failedBeforeSending(fetchFailed(all))).toBe(true);
  });

  it('one address refused and another reset → may have been sent', () => {
    const mixed = new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNRESET')]);
    expect(failedBeforeSending(fetchFailed(mixed))).toBe(false);
  });

  it('an error with no code (abort, unknown) may have been sent', () => {
    expect(failedBeforeSending(new Error('The operation was aborted'))).toBe(false);
    expect(failedBeforeSending(undefined)).toBe(false);
  });
});
