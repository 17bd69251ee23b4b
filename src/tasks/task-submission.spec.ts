/** docs/contract.md §9: which failures of an upstream create definitely made nothing, and which leave the outcome unknown. */
import { ArkApiError, ArkUnavailableError } from '@arkgate/byteplus';
import { classifyCreateFailure } from './task-submission.service';

describe('classifyCreateFailure', () => {
  it.each([400, 401, 403, 404, 409, 429])('an upstream %i is a definite refusal', (status) => {
    expect(classifyCreateFailure(new ArkApiError(status, { error: { code: 'X' } }))).toBe('refused');
  });

  it('a failure before any byte was sent (connection refused, DNS) is a definite refusal', () => {
    expect(classifyCreateFailure(new ArkUnavailableError('network', 'refused', undefined, { requestSent: false }))).toBe('refused');
  });

  it.each([
    ['a 5xx', new ArkUnavailableError('server_error', '500', 500)],
    ['a reset connection', new ArkUnavailableError('network', 'reset')],
    ['a timeout', new ArkUnavailableError('timeout', 'late')],
    ['a 2xx whose body is not usable', new ArkUnavailableError('bad_response', 'not json', 200)],
    ['a redirect', new ArkUnavailableError('bad_response', '302', 302)],
    ['anything unexpected', new Error('boom')],
  ])('%s leaves the outcome unknown', (_, err) => {
    expect(classifyCreateFailure(err)).toBe('unknown');
  });
});
