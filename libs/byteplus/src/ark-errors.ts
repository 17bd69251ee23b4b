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

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function responseMetadataOf(body: unknown): Record<string, unknown> | undefined {
  return objectOf(objectOf(body)?.ResponseMetadata);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
