import type { TenantId } from './tenant-id';

/**
 * Which tenants a cross-tenant reader reads: all of them, or one. Said explicitly, never by leaving an id out:
 * TypeORM drops an `undefined` from a `where`, so an optional id silently reads everyone's rows.
 */
export type TenantScope = { readonly scope: 'all' } | { readonly scope: 'tenant'; readonly tenantId: TenantId };

export const ALL_TENANTS: TenantScope = { scope: 'all' };

export function oneTenant(tenantId: TenantId): TenantScope {
  return { scope: 'tenant', tenantId };
}

/**
 * The scope of a staff (admin or auditor) report filtered by an optional `tenant_id` query parameter: all tenants
 * without one, that tenant with one. A staff filter may name any id (an unknown one matches no row), which is why
 * it is a trusted source here: it only narrows a read staff may already make over every tenant.
 */
export function staffFilterScope(tenantId: string | undefined): TenantScope {
  return tenantId === undefined || tenantId === '' ? ALL_TENANTS : oneTenant(tenantId as TenantId);
}
