import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, Principal, TenantContext } from '../../common/tenant-identity/tenant-context';

/** The caller's tenant. Without one a guard was not wired: that is a bug (500), not a user error. */
export const CurrentTenant = createParamDecorator((_: unknown, ctx: ExecutionContext): TenantContext => {
  const tenant = ctx.switchToHttp().getRequest<AuthenticatedRequest>().user?.tenant;
  if (!tenant) throw new Error('CurrentTenant used on a route without a tenant guard');
  return tenant;
});

/** The authenticated caller (any role). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!principal) throw new Error('CurrentPrincipal used on a route without an auth guard');
  return principal;
});
