import type { TenantContext } from '../common/tenant-identity/tenant-context';
import type { AssetReference } from './task-content.rules';

/**
 * What the tasks module asks of the asset library: every `asset://ID` in a task must be the caller's,
 * Active and of the item's type, else the check throws the native error.
 */
export interface AssetReferences {
  verify(tenant: TenantContext, refs: AssetReference[]): Promise<void>;
}

export const ASSET_REFERENCES = Symbol('ASSET_REFERENCES');
