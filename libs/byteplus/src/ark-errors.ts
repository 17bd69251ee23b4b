/**
 * The ways an upstream call fails.
 *
 * - ArkApiError: the data plane answered 4xx. The body is kept exactly (parsed JSON when it is JSON,
 *   else the text) so that it can be passed through unchanged.
 * - ArkOpenApiError: the control plane (asset library OpenAPI) answered 4xx, or an answer carrying
 *   `ResponseMetadata.Error`. Body kept the same way; `code` is `ResponseMetadata.Error.Code`.
 * - ArkUnavailableError: the upstream could not give a usable answer — 5xx, timeout, broken or
 *   refused connection, or a 2xx whose body does not have the expected shape. Shared by both planes.
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

export class ArkOpenApiError extends Error {
  override readonly name = 'ArkOpenApiError';
  /** `ResponseMetadata.Error.Code`, when there is one. */
  readonly code?: string;
  /** `ResponseMetadata.RequestId`, when there is one. */
  readonly requestId?: string;

  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const metadata = responseMetadataOf(body);
    const code = nonEmptyString(objectOf(metadata?.Error)?.Code);
    super(`Upstream OpenAPI answered ${status}${code ? ` ${code}` : ''}`);
    this.code = code;
    this.requestId = nonEmptyString(metadata?.RequestId);
  }
}

export type ArkUnavailableReason = 'timeout' | 'server_error' | 'network' | 'bad_response';

export class ArkUnavailableError extends Error {
  override readonly name = 'ArkUnavailableError';
  /**
   * False only when the request certainly never left this process (connection refused, name not resolved, …):
   * then a create was definitely not made. True whenever the upstream may have received it.
   */
  readonly requestSent: boolean;

  constructor(
    readonly reason: ArkUnavailableReason,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown; requestSent?: boolean },
  ) {
    super(message, options);
    this.requestSent = options?.requestSent ?? true;
  }
}

/** Socket error codes raised before a connection exists, so before any byte of the request was sent. */
const PRE_SEND_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Whether a failed fetch certainly sent nothing: every socket error found in its cause chain (an AggregateError of
 * several addresses included) is one that happens before connecting. Anything else — a reset, a timeout, an
 * unrecognised error — may have come after the request was written.
 */
export function failedBeforeSending(error: unknown): boolean {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const walk = (e: unknown): void => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const nested = (e as { errors?: unknown }).errors;
    if (Array.isArray(nested)) nested.forEach(walk);
    walk((e as { cause?: unknown }).cause);
  };
  walk(error);
  return codes.length > 0 && codes.every((code) => PRE_SEND_CODES.has(code));
}

function errorCodeOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function responseMetadataOf(body: unknown): Record<string, unknown> | undefined {
  return objectOf(objectOf(body)?.ResponseMetadata);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
