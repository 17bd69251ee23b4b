import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { refusalOutcome } from '../common/errors/native-error.filter';
import { Refusal, RefusalListener } from '../common/errors/refusal-listener';
import { RequestContext, requestContextOf } from '../common/http/request-context';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { auditActionOf } from './audit-action';
import { AuditService } from './audit.service';
import { RateLimitTally } from './rate-limit-tally';

type RequestLike = Refusal['request'];

/**
 * Requests whose handler an instance of the interceptor wrapped: their refusals were dealt with there, not by the
 * listener. Shared by every instance (Nest makes one per module whose routes are @Audited, besides the listener's).
 */
const WRAPPED = new WeakSet<object>();

/**
 * Refusals of state-changing calls, audited (docs/contract.md §10): a route marked @Audited that is refused after
 * authentication leaves one event with the action, the outcome's status and code, and the target named in the path.
 *
 * Two ways in, one rule:
 * - as the interceptor of every route marked @Audited (the decorator applies it): when the handler (its pipes included) throws, the refusal is
 *   recorded here and the error rethrown to the error filter;
 * - as the error filter's refusal listener, for what is refused before any interceptor runs: the guards' refusals
 *   after authentication (role, suspended tenant, entitlement). The guard leaves the caller and the route handler on
 *   the request context; the @Audited action is read from that handler.
 * A 429 is counted, not audited one by one (RateLimitTally), whichever stage refused it. No event is written when the
 * service already wrote one in the transaction of the change (`ctx.audited`), or when the database is unreachable
 * (there is nowhere to write it, and trying would only delay the 503).
 */
@Injectable()
export class RefusalAuditInterceptor implements NestInterceptor, RefusalListener {
  private readonly logger = new Logger(RefusalAuditInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    private readonly rateLimits: RateLimitTally,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<RequestLike>();
    WRAPPED.add(request);
    return next.handle().pipe(
      catchError((err: unknown) => {
        const ctx = requestContextOf(request);
        const outcome = refusalOutcome(err, this.config);
        const counted = !outcome.upstream && outcome.status === 429;
        const action = counted || outcome.databaseUnavailable ? undefined : auditActionOf(this.reflector, context.getHandler(), request.query);
        return from(this.record(action, ctx, request, outcome.status, outcome.code)).pipe(mergeMap(() => throwError(() => err)));
      }),
    );
  }

  /** Every error the filter answers: counts 429s, and records what was refused before this interceptor could see it. */
  async refused(refusal: Refusal): Promise<void> {
    const { request, ctx } = refusal;
    if (!refusal.upstream && refusal.status === 429) {
      this.rateLimits.count(ctx);
      return;
    }
    if (WRAPPED.has(request) || refusal.databaseUnavailable || !ctx.handler) return;
    await this.record(auditActionOf(this.reflector, ctx.handler, request.query), ctx, request, refusal.status, refusal.code);
  }

  /** One event for a refused state-changing call of a known caller, unless the service already wrote it. */
  private async record(action: string | undefined, ctx: RequestContext, request: RequestLike, status: number, code: string): Promise<void> {
    if (!action || !ctx.principal || ctx.audited) return;
    const params = request.params ?? {};
    try {
      await this.audit.recordAlone({
        action,
        ctx,
        targetId: params.task_id ?? params.id ?? params.model ?? params.sku ?? null,
        outcome: { status, errorCode: code },
      });
    } catch (err) {
      this.logger.error(`[${ctx.requestId}] could not write the audit event of a refused ${action}: ${(err as Error).message}`);
    }
  }
}
