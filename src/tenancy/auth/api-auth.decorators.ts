import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ERROR_TYPES } from '../../common/errors/error-codes';
import { ACCESS_RULE, AccessRule, Entitlement } from './access-rule';

export const BEARER_SCHEME = 'bearer';

/** A documented native error answer: its example carries the `type` the error filter writes for the status. */
export const nativeError = (status: number, description: string, code: string, param = '') =>
  ApiResponse({
    status,
    description,
    schema: {
      type: 'object',
      properties: {
        error: {
          type: 'object',
          properties: { code: { type: 'string' }, message: { type: 'string' }, param: { type: 'string' }, type: { type: 'string' } },
        },
      },
      example: { error: { code, message: description, param, type: ERROR_TYPES[status] ?? 'Error' } },
    },
  });

function authenticated(rule: AccessRule) {
  return applyDecorators(
    SetMetadata(ACCESS_RULE, rule),
    ApiBearerAuth(BEARER_SCHEME),
    nativeError(401, 'Missing, unknown or revoked token.', 'unauthorized'),
    nativeError(429, 'The caller exceeded its rate limit; see Retry-After.', 'rate_limit_exceeded'),
  );
}

/** A tenant's API route: tenant tokens only; the tenant must be active and hold the entitlement. */
export const TenantApi = (opts: { entitlement?: Entitlement } = {}) =>
  applyDecorators(
    authenticated({ roles: ['tenant'], entitlement: opts.entitlement }),
    nativeError(503, 'Tenant suspended or not enabled for this capability.', 'service_unavailable'),
  );

/** An admin route. */
export const AdminApi = () => applyDecorators(authenticated({ roles: ['admin'] }), nativeError(403, 'Admin token required.', 'forbidden'));

/** A read-only audit route: auditors and admins. */
export const AuditorApi = () =>
  applyDecorators(authenticated({ roles: ['auditor', 'admin'] }), nativeError(403, 'Auditor or admin token required.', 'forbidden'));

/** A route both a tenant (for itself) and an admin (for any tenant) may call. */
export const TenantOrAdminApi = () =>
  applyDecorators(authenticated({ roles: ['tenant', 'admin'] }), nativeError(403, 'Tenant or admin token required.', 'forbidden'));

/** A read any role may make: a tenant (for itself), an auditor or an admin (for any tenant). */
export const TenantOrStaffApi = () =>
  applyDecorators(authenticated({ roles: ['tenant', 'auditor', 'admin'] }), nativeError(403, 'Tenant, auditor or admin token required.', 'forbidden'));

/** No token needed (health checks). */
export const PublicApi = () => SetMetadata(ACCESS_RULE, { public: true, roles: [] } satisfies AccessRule);
