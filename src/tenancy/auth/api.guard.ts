import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '../../common/errors/domain-error';
import { requestContextOf } from '../../common/http/request-context';
import type { AuthenticatedRequest, Principal } from '../../common/tenant-identity/tenant-context';
import { ACCESS_RULE, AccessRule } from './access-rule';
import { UnauthenticatedRateLimiter } from './unauthenticated-rate-limiter';

/**
 * The global guard, deny by default: a route without an access rule is refused. It authenticates
 * through passport (or takes the principal the body gate already found from the same header), then
 * checks role, tenant status and entitlement, in that order. A refused token counts against the
 * caller's address (429 past ARKGATE_UNAUTH_RATE_PER_MINUTE).
 */
@Injectable()
export class ApiGuard extends AuthGuard('bearer') {
  constructor(
    private readonly reflector: Reflector,
    private readonly unauthenticated: UnauthenticatedRateLimiter,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (!rule) throw new DomainError('forbidden', 'This route is not available.');
    if (rule.public) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const ctx = requestContextOf(request);
    if (ctx.principal) {
      request.user = ctx.principal;
    } else {
      try {
        await super.canActivate(context);
      } catch (err) {
        if (err instanceof DomainError && err.key === 'unauthorized') throw await this.unauthenticated.refusal(ctx.ip);
        throw err;
      }
    }
    const principal = request.user as Principal; // set by passport or the body gate just above
    // From here on the caller and the route are known: a refusal of a state-changing call is audited.
    ctx.principal = principal;
    ctx.handler = context.getHandler();
    if (!rule.roles.includes(principal.role)) {
      throw new DomainError('forbidden', `This route is not available to ${principal.role} tokens.`);
    }
    const tenant = principal.tenant;
    if (tenant) {
      if (tenant.status !== 'active') {
        throw new DomainError('service_unavailable', 'This account is suspended. Contact the platform.');
      }
      if (rule.entitlement === 'video_generation' && !tenant.entitlements.video_generation) {
        throw new DomainError('service_unavailable', 'This account is not enabled for Dreamina Seedance 2.0 video generation.');
      }
      if (rule.entitlement === 'asset_library' && !tenant.entitlements.asset_library) {
        throw new DomainError('service_unavailable', 'This account is not enabled for the asset library.');
      }
    }
    return true;
  }

  override handleRequest<T = Principal>(err: unknown, user: T | false): T {
    if (err) throw err instanceof Error ? err : new Error('authentication failed', { cause: err });
    if (!user) throw new DomainError('unauthorized', 'Missing or invalid API token. Send Authorization: Bearer <token>.');
    return user;
  }
}
