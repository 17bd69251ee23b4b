import type { TenantId } from './tenant-id';

/** Who a token acts for: one tenant, or staff (auditor, admin) over every tenant. */
export type Role = 'tenant' | 'auditor' | 'admin';

export type TenantStatus = 'active' | 'suspended';

/** Whether a request may reference media by URL, or only through the tenant's asset library. */
export type MediaPolicy = 'asset_only' | 'any';

export interface Entitlements {
  video_generation: boolean;
  asset_library: boolean;
  /** Stable model names this tenant may call; Filter-Off models only when listed here. */
  models: string[];
}

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

/** A request as the auth guard leaves it: passport sets `user` to the principal once the token is checked. */
export interface AuthenticatedRequest {
  user?: Principal;
}
