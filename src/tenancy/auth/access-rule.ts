import type { Role } from '../../common/tenant-identity/tenant-context';

export type Entitlement = 'video_generation' | 'asset_library';

/** What a route demands of its caller; set only through the composite decorators in api-auth.decorators.ts. */
export interface AccessRule {
  public?: boolean;
  roles: Role[];
  entitlement?: Entitlement;
}

export const ACCESS_RULE = 'arkgate:access-rule';
