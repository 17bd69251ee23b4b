/**
 * The error shape of the OpenAI-compatible routes (`/v1/…`): `{"error": {"message", "type", "param", "code"}}`,
 * with OpenAI's `type` names, so OpenAI clients raise their typed errors (BadRequestError, NotFoundError, …).
 * The status and code stay arkgate's own.
 */

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function isOpenAiRoute(request: { path?: string; originalUrl?: string }): boolean {
  // originalUrl: inside a middleware mounted on a path, `path` is relative to the mount point.
  const path = request.originalUrl?.split('?')[0] ?? request.path ?? '';
  return path === '/v1' || path.startsWith('/v1/');
}

export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function openAiErrorBody(error: { status: number; code?: string; message?: string; param?: string }): OpenAiErrorBody {
  return {
    error: {
      message: error.message || 'The request failed.',
      type: openAiErrorType(error.status),
      param: error.param ? error.param : null,
      code: error.code ? error.code : null,
    },
  };
}

/** An upstream 4xx body (`{"error": {code, message, param}}` in BytePlus's shape) in the OpenAI shape. */
export function openAiFromUpstream(status: number, body: unknown): OpenAiErrorBody {
  const e = (typeof body === 'object' && body !== null ? (body as { error?: Record<string, unknown> }).error : undefined) ?? {};
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return openAiErrorBody({ status, code: text(e.code), message: text(e.message), param: text(e.param) });
}

/**
 * The `x-should-retry` header OpenAI clients obey instead of their own rule (which retries every 409 and 5xx):
 * `false` for a conflict that a retry cannot fix, and for a failed create sent without an Idempotency-Key, whose
 * blind retry could start a second upstream task. Undefined: leave the client's rule.
 */
export function openAiShouldRetry(status: number, code: string, request: { method?: string; headers?: Record<string, unknown> }): 'false' | undefined {
  if (status === 409 && code !== 'idempotency_key_in_progress') return 'false';
  if (status >= 500 && request.method === 'POST' && request.headers?.['idempotency-key'] === undefined) return 'false';
  return undefined;
}
