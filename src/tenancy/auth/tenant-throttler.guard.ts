import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest, Principal } from '../../common/tenant-identity/tenant-context';

/** Counts every authenticated call against its tenant (or, for staff tokens, the token), across all routes. */
@Injectable()
export class TenantThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return trackerOf(req.user as Principal);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `arkgate:rate:${throttlerName}:${tracker}`;
  }
}

export function trackerOf(principal: Principal): string {
  return principal.tenant ? `tenant:${principal.tenant.id}` : `token:${principal.tokenId}`;
}
