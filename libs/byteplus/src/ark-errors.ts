/**
 * The two ways a data-plane call fails.
 *
 * - ArkApiError: the upstream answered 4xx. The body is kept exactly (parsed JSON when it is JSON,
 *   else the text) so that it can be passed through unchanged.
 * - ArkUnavailableError: the upstream could not give a usable answer — 5xx, timeout, broken or
 *   refused connection, or a 2xx whose body does not have the expected shape.
 */

export class ArkApiError extends Error {
  override readonly name = 'ArkApiError';
  /** `error.code` of a native error body, when there is one. */
  readonly code?: string;

  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const code = errorCodeOf(body);
    super(`Upstream answered ${status}${code ? ` ${code}` : ''}`);
    this.code = code;
  }
}

export type ArkUnavailableReason = 'timeout' | 'server_error' | 'network' | 'bad_response';

export class ArkUnavailableError extends Error {
  override readonly name = 'ArkUnavailableError';

  constructor(
    readonly reason: ArkUnavailableReason,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function errorCodeOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}
