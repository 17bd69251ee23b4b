import type { Entitlements, MediaPolicy, TenantStatus } from './tenant.entity';
import type { Role } from './api-token.entity';
import type { TenantId } from './tenant-id';

/**
 * The caller's tenant as the guard resolved it. Every tenant-owned read or write takes one of these
 * (or its id) first: a query without a tenant cannot be written, and its `TenantId` is made only on the auth path.
 */
export interface TenantContext {
  readonly id: TenantId;
  readonly name: string;
  readonly status: TenantStatus;
  readonly entitlements: Entitlements;
  /** Effective policy: the tenant's own, or the profile's default. */
  readonly mediaPolicy: MediaPolicy;
  readonly rateLimitPerMinute: number;
}

/** Who is calling: the token and, for tenant tokens, its tenant. */
export interface Principal {
  readonly tokenId: string;
  readonly role: Role;
  readonly tenant?: TenantContext;
}
