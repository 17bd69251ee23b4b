import type { TenantContext } from '../tenancy/tenant-context';
import { DomainError } from '../common/errors/domain-error';
import type { AssetReference } from './task-content.rules';

/**
 * What the tasks module asks of the asset library: every `asset://ID` in a task must be the caller's,
 * Active and of the item's type, else the check throws the native error.
 */
export interface AssetReferences {
  verify(tenant: TenantContext, refs: AssetReference[]): Promise<void>;
}

export const ASSET_REFERENCES = Symbol('ASSET_REFERENCES');

/**
 * Until a tenant has an asset library there is no asset it owns, so every reference is answered as
 * not found: an asset:// id can never reach upstream unchecked.
 */
export class NoAssetLibrary implements AssetReferences {
  async verify(_tenant: TenantContext, refs: AssetReference[]): Promise<void> {
    if (refs.length === 0) return;
    const ref = refs[0];
    throw new DomainError('asset_not_found', `Asset \`${ref.id}\` does not exist or does not belong to this account.`, ref.param);
  }
}
