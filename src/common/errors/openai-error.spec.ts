import { isOpenAiRoute, openAiErrorBody, openAiFromUpstream, openAiShouldRetry } from './openai-error';

describe('errors of the OpenAI-compatible routes', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [409, 'invalid_request_error'],
    [413, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'server_error'],
    [502, 'server_error'],
    [503, 'server_error'],
  ])('status %i has type %s', (status, type) => {
    expect(openAiErrorBody({ status, code: 'x', message: 'm' }).error.type).toBe(type);
  });

  it('has exactly message, type, param, code; an empty param or code is null', () => {
    expect(openAiErrorBody({ status: 400, code: 'invalid_request', message: 'bad size', param: '' })).toEqual({
      error: { message: 'bad size', type: 'invalid_request_error', param: null, code: 'invalid_request' },
    });
  });

  it('keeps code, message and param of an upstream 4xx body', () => {
    const upstream = { error: { code: 'InvalidParameter', message: 'nope', param: 'content', type: 'BadRequest' } };
    expect(openAiFromUpstream(400, upstream)).toEqual({
      error: { message: 'nope', type: 'invalid_request_error', param: 'content', code: 'InvalidParameter' },
    });
    expect(openAiFromUpstream(404, 'not json').error).toMatchObject({ type: 'not_found_error', code: null });
  });

  it('applies to /v1 and below only', () => {
    expect(['/v1', '/v1/videos', '/v1/models', '/v1x', '/volcark/api/v3/contents/generations/tasks'].map((path) => isOpenAiRoute({ path }))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('tells OpenAI clients not to retry what a retry cannot fix or could duplicate', () => {
    const post = (headers: Record<string, unknown> = {}) => ({ method: 'POST', headers });
    expect(openAiShouldRetry(409, 'InvalidAction.RunningTaskDeletion', { method: 'DELETE', headers: {} })).toBe('false');
    expect(openAiShouldRetry(409, 'idempotency_key_in_progress', post({ 'idempotency-key': 'k' }))).toBeUndefined();
    expect(openAiShouldRetry(502, 'service_error', post())).toBe('false');
    expect(openAiShouldRetry(502, 'service_error', post({ 'idempotency-key': 'k' }))).toBeUndefined();
    expect(openAiShouldRetry(502, 'service_error', { method: 'GET', headers: {} })).toBeUndefined();
    expect(openAiShouldRetry(429, 'rate_limit_exceeded', post())).toBeUndefined();
  });
});
