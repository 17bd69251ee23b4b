/**
 * A tenant's id as the type system knows it: a plain string cannot be passed where a `TenantId` is asked for,
 * so a tenant-scoped query cannot be written with an id taken from a request body, a path or a query string.
 * Ids come from the authenticated caller (`TenantContext.id`, built by `TenancyService` on the auth path) or
 * from a row that already holds one (tenant-owned entities type their `tenant_id` column as `TenantId`).
 */
declare const tenantIdBrand: unique symbol;

export type TenantId = string & { readonly [tenantIdBrand]: 'TenantId' };

/**
 * The one way to make a `TenantId` from a string: for an id read from the database, where it names a tenant that
 * exists (the `tenants` row behind an authenticated token, the tenant an admin route just looked up). Call sites
 * are few and each says why the id is trusted; anything else gets its `TenantId` from one of those.
 */
export function tenantIdFromTrustedRow(id: string): TenantId {
  return id as TenantId;
}
