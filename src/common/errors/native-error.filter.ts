import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ThrottlerException } from '@nestjs/throttler';
import { ArkApiError, ArkOpenApiError, ArkUnavailableError } from '@arkgate/byteplus';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { RequestContext, requestContextOf } from '../http/request-context';
import { isDatabaseUnavailable } from '../../database/database-unavailable';
import { DomainError } from './domain-error';
import { codeFor, ERROR_TYPES, ErrorKey } from './error-codes';
import { isOpenAiRoute, openAiErrorBody, openAiFromUpstream, openAiShouldRetry } from './openai-error';
import { Refusal, REFUSAL_LISTENER, RefusalListener } from './refusal-listener';

/** Seconds a client is told to wait when the database is unreachable. */
export const DATABASE_RETRY_AFTER_S = 5;

/** What the filter reads of the framework's request: the route, its query and params, the method and the headers. */
type FilterRequest = {
  path?: string;
  originalUrl?: string;
  method?: string;
  headers?: Record<string, unknown>;
  params?: Record<string, string>;
  query?: Record<string, unknown>;
};

export interface NativeError {
  status: number;
  code: string;
  message: string;
  param: string;
  type: string;
  headers: Record<string, string>;
  details?: Record<string, unknown>;
}

/**
 * Turns every error into the native shape of the route it happened on: `{"error": {...}}` for the
 * data-plane and admin routes, `ResponseMetadata.Error` for the asset action route, the OpenAI shape on
 * `/v1/…`. Upstream 4xx bodies pass through untouched (on `/v1/…` re-shaped, codes kept).
 */
@Catch()
export class NativeErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(NativeErrorFilter.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(REFUSAL_LISTENER) private readonly listener?: RefusalListener,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<FilterRequest>();
    const response = http.getResponse<unknown>();
    const adapter = this.adapterHost.httpAdapter;
    const ctx = requestContextOf(request);

    if (isUpstreamRefusal(exception)) {
      this.logger.warn(`[${ctx.requestId}] upstream answered ${exception.status} ${exception.code ?? ''}`);
      await this.tell({ request, ctx, ...refusalOutcome(exception, this.config) });
      adapter.reply(response, isOpenAiRoute(request) ? openAiFromUpstream(exception.status, exception.body) : (exception.body ?? {}), exception.status);
      return;
    }

    this.logUnexpected(exception, ctx);
    const error = nativeErrorOf(exception, this.config);
    await this.tell({ request, ctx, status: error.status, code: error.code, upstream: false, databaseUnavailable: isDatabaseUnavailable(exception) });
    for (const [name, value] of Object.entries(error.headers)) adapter.setHeader(response, name, value);
    const noRetry = isOpenAiRoute(request) ? openAiShouldRetry(error.status, error.code, request) : undefined;
    if (noRetry) adapter.setHeader(response, 'x-should-retry', noRetry);
    adapter.reply(response, this.shape(error, request, ctx), error.status);
  }

  /** Tells the refusal listener (the audit trail), which must not keep the answer from going out when it fails. */
  private async tell(refusal: Refusal): Promise<void> {
    if (!this.listener) return;
    try {
      await this.listener.refused(refusal);
    } catch (err) {
      this.logger.error(`[${refusal.ctx.requestId}] the refusal listener failed: ${(err as Error).message}`);
    }
  }

  /** What the operator needs to see of an error that is not a plain refusal (mapped by nativeErrorOf). */
  private logUnexpected(exception: unknown, ctx: RequestContext): void {
    if (exception instanceof DomainError || exception instanceof ThrottlerException) return;
    if (exception instanceof HttpException && exception.getStatus() < 500) return;
    if (exception instanceof ArkUnavailableError || exception instanceof ArkApiError || exception instanceof ArkOpenApiError) {
      this.logger.warn(`[${ctx.requestId}] upstream unavailable: ${(exception as Error).message}`);
    } else if (isBodyParserError(exception)) {
      return;
    } else if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`[${ctx.requestId}] database unreachable: ${(exception as Error).message}`);
    } else {
      this.logger.error(`[${ctx.requestId}] unhandled error`, (exception as Error)?.stack ?? String(exception));
    }
  }

  private shape(error: NativeError, request: { path?: string; originalUrl?: string; query?: Record<string, unknown> }, ctx: RequestContext) {
    if (isOpenAiRoute(request)) return openAiErrorBody(error);
    if (isAssetActionRoute(request)) {
      const query = request.query ?? {};
      return {
        ResponseMetadata: {
          RequestId: ctx.requestId,
          Action: typeof query.Action === 'string' ? query.Action : '',
          Version: typeof query.Version === 'string' ? query.Version : '',
          Service: 'ark',
          Region: this.config.ark.region,
          Error: { Code: error.code, Message: error.message },
        },
      };
    }
    return { ...error.details, error: { code: error.code, message: error.message, param: error.param, type: error.type } };
  }
}

/** An upstream 4xx: answered with BytePlus's own status and body. */
function isUpstreamRefusal(exception: unknown): exception is ArkApiError | ArkOpenApiError {
  return (exception instanceof ArkApiError || exception instanceof ArkOpenApiError) && exception.status >= 400 && exception.status < 500;
}

function isBodyParserError(exception: unknown): boolean {
  const type = (exception as { type?: unknown } | null)?.type;
  return (
    type === 'entity.too.large' || type === 'entity.parse.failed' || type === 'encoding.unsupported' || (typeof type === 'string' && type.startsWith('charset'))
  );
}

/** The status and code an error is answered with (no body, no logging): what a refusal is recorded as. */
export function refusalOutcome(exception: unknown, config: Pick<AppConfig, 'profile' | 'maxBodyMb'>): Omit<Refusal, 'request' | 'ctx'> {
  if (isUpstreamRefusal(exception))
    return { status: exception.status, code: exception.code ?? `http_${exception.status}`, upstream: true, databaseUnavailable: false };
  const { status, code } = nativeErrorOf(exception, config);
  return { status, code, upstream: false, databaseUnavailable: isDatabaseUnavailable(exception) };
}

/** The native error an exception is answered with (every exception but an upstream 4xx, which passes through). */
export function nativeErrorOf(exception: unknown, config: Pick<AppConfig, 'profile' | 'maxBodyMb'>): NativeError {
  const fromKey = (key: ErrorKey, message: string, param = '', headers: Record<string, string> = {}) => {
    const { status, code, type } = codeFor(key, config.profile);
    return { status, code, type, message, param, headers };
  };

  if (exception instanceof DomainError) {
    return { ...fromKey(exception.key, exception.message, exception.param, exception.headers), details: exception.details };
  }
  if (exception instanceof ArkUnavailableError || exception instanceof ArkApiError || exception instanceof ArkOpenApiError) {
    return fromKey('upstream_error', 'The model service is temporarily unavailable. Please retry later.');
  }
  if (exception instanceof ThrottlerException) {
    return fromKey('rate_limited', 'Rate limit exceeded for this tenant. Retry after the time in the Retry-After header.');
  }
  const bodyParserError = exception as { type?: string; status?: number; expose?: boolean };
  if (bodyParserError?.type === 'entity.too.large') {
    return fromKey('payload_too_large', `Request body exceeds the limit of ${config.maxBodyMb} MB.`);
  }
  if (bodyParserError?.type === 'entity.parse.failed') {
    return fromKey('invalid_request', 'The request body is not valid JSON.');
  }
  if ((typeof bodyParserError?.type === 'string' && bodyParserError.type.startsWith('charset')) || bodyParserError?.type === 'encoding.unsupported') {
    return fromKey('invalid_request', 'The request body encoding is not supported.');
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) return fromKey('not_found', 'The requested route does not exist.');
    if (status === 405) return fromKey('not_found', 'The requested method is not supported on this route.');
    if (status < 500) {
      return { status, code: 'invalid_request', type: ERROR_TYPES[status] ?? 'BadRequest', message: exception.message, param: '', headers: {} };
    }
  }
  if (isDatabaseUnavailable(exception)) {
    return fromKey('database_unavailable', 'The service is temporarily unavailable. Retry after the time in the Retry-After header.', '', {
      'Retry-After': String(DATABASE_RETRY_AFTER_S),
    });
  }
  return fromKey('internal', 'Internal error. Please retry later or contact support with the request id.');
}

/** The control-plane style route (`/volcark/?Action=…`) answers errors in the OpenAPI envelope. */
export function isAssetActionRoute(request: { path?: string; originalUrl?: string; query?: Record<string, unknown> }): boolean {
  // originalUrl: inside a middleware mounted on a path, `path` is relative to the mount point.
  const path = request.originalUrl?.split('?')[0] ?? request.path;
  return (path === '/volcark/' || path === '/volcark') && request.query?.Action !== undefined;
}
