import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ThrottlerException } from '@nestjs/throttler';
import { ArkApiError, ArkOpenApiError, ArkUnavailableError } from '@arkgate/byteplus';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { AuditService } from '../../audit/audit.service';
import { RateLimitTally } from '../../audit/rate-limit-tally';
import { RequestContext, requestContextOf } from '../http/request-context';
import { isDatabaseUnavailable } from '../../database/database-unavailable';
import { DomainError } from './domain-error';
import { codeFor, ERROR_TYPES, ErrorKey } from './error-codes';
import { isOpenAiRoute, openAiErrorBody, openAiFromUpstream, openAiShouldRetry } from './openai-error';

/** Seconds a client is told to wait when the database is unreachable. */
export const DATABASE_RETRY_AFTER_S = 5;

interface NativeError {
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
    private readonly audit: AuditService,
    private readonly rateLimits: RateLimitTally,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest();
    const response = http.getResponse();
    const adapter = this.adapterHost.httpAdapter;
    const ctx = requestContextOf(request);

    if ((exception instanceof ArkApiError || exception instanceof ArkOpenApiError) && exception.status >= 400 && exception.status < 500) {
      this.logger.warn(`[${ctx.requestId}] upstream answered ${exception.status} ${exception.code ?? ''}`);
      await this.auditRefusal(ctx, request, exception.status, exception.code ?? `http_${exception.status}`);
      adapter.reply(response, isOpenAiRoute(request) ? openAiFromUpstream(exception.status, exception.body) : (exception.body ?? {}), exception.status);
      return;
    }

    const error = this.toNativeError(exception, ctx);
    // With the database gone there is nowhere to write the event; trying would only delay the 503.
    // A 429 is counted, not audited one by one: one event per caller and minute (docs/contract.md §10).
    if (error.status === 429) this.rateLimits.count(ctx);
    else if (!isDatabaseUnavailable(exception)) await this.auditRefusal(ctx, request, error.status, error.code);
    for (const [name, value] of Object.entries(error.headers)) adapter.setHeader(response, name, value);
    const noRetry = isOpenAiRoute(request) ? openAiShouldRetry(error.status, error.code, request) : undefined;
    if (noRetry) adapter.setHeader(response, 'x-should-retry', noRetry);
    adapter.reply(response, this.shape(error, request, ctx), error.status);
  }

  /** A state-changing call refused after authentication leaves one event with its outcome. */
  private async auditRefusal(ctx: RequestContext, request: { params?: Record<string, string> }, status: number, code: string): Promise<void> {
    if (!ctx.auditAction || !ctx.principal || ctx.audited) return;
    const params = request.params ?? {};
    try {
      await this.audit.recordAlone({
        action: ctx.auditAction,
        ctx,
        targetId: params.task_id ?? params.id ?? params.model ?? params.sku ?? null,
        outcome: { status, errorCode: code },
      });
    } catch (err) {
      this.logger.error(`[${ctx.requestId}] could not write the audit event of a refused ${ctx.auditAction}: ${(err as Error).message}`);
    }
  }

  private toNativeError(exception: unknown, ctx: RequestContext): NativeError {
    const profile = this.config.profile;
    const fromKey = (key: ErrorKey, message: string, param = '', headers: Record<string, string> = {}) => {
      const { status, code, type } = codeFor(key, profile);
      return { status, code, type, message, param, headers };
    };

    if (exception instanceof DomainError) {
      return { ...fromKey(exception.key, exception.message, exception.param, exception.headers), details: exception.details };
    }
    if (exception instanceof ArkUnavailableError || exception instanceof ArkApiError || exception instanceof ArkOpenApiError) {
      this.logger.warn(`[${ctx.requestId}] upstream unavailable: ${(exception as Error).message}`);
      return fromKey('upstream_error', 'The model service is temporarily unavailable. Please retry later.');
    }
    if (exception instanceof ThrottlerException) {
      return fromKey('rate_limited', 'Rate limit exceeded for this tenant. Retry after the time in the Retry-After header.');
    }
    const bodyParserError = exception as { type?: string; status?: number; expose?: boolean };
    if (bodyParserError?.type === 'entity.too.large') {
      return fromKey('payload_too_large', `Request body exceeds the limit of ${this.config.maxBodyMb} MB.`);
    }
    if (bodyParserError?.type === 'entity.parse.failed') {
      return fromKey('invalid_request', 'The request body is not valid JSON.');
    }
    if (typeof bodyParserError?.type === 'string' && bodyParserError.type.startsWith('charset') || bodyParserError?.type === 'encoding.unsupported') {
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
      this.logger.warn(`[${ctx.requestId}] database unreachable: ${(exception as Error).message}`);
      return fromKey('database_unavailable', 'The service is temporarily unavailable. Retry after the time in the Retry-After header.', '', {
        'Retry-After': String(DATABASE_RETRY_AFTER_S),
      });
    }
    this.logger.error(`[${ctx.requestId}] unhandled error`, (exception as Error)?.stack ?? String(exception));
    return fromKey('internal', 'Internal error. Please retry later or contact support with the request id.');
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

/** The control-plane style route (`/volcark/?Action=…`) answers errors in the OpenAPI envelope. */
export function isAssetActionRoute(request: { path?: string; originalUrl?: string; query?: Record<string, unknown> }): boolean {
  // originalUrl: inside a middleware mounted on a path, `path` is relative to the mount point.
  const path = request.originalUrl?.split('?')[0] ?? request.path;
  return (path === '/volcark/' || path === '/volcark') && request.query?.Action !== undefined;
}
