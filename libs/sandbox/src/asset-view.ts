/** Asset groups and assets exactly as GetAssetGroup / GetAsset return them (field names and order as upstream). */
import type { ArkAsset, ArkAssetGroup } from '@arkgate/byteplus';
import type { SandboxAssetGroupRecord, SandboxAssetRecord } from './asset-store';

/** Lifetime of the signed URL of an Active asset, as upstream: 12 h. */
export const ASSET_URL_EXPIRES_S = 43200;

/** ISO-8601 UTC without milliseconds: `2026-03-18T03:33:32Z`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Where the sandbox serves an asset's processed file. */
export function assetFileUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/assets/${encodeURIComponent(id)}?X-Tos-Expires=${ASSET_URL_EXPIRES_S}`;
}

export function renderAssetGroup(group: SandboxAssetGroupRecord): ArkAssetGroup {
  return {
    Id: group.id,
    Name: group.name,
    Description: group.description,
    GroupType: group.groupType,
    ProjectName: group.projectName,
    CreateTime: isoTime(group.createdAtMs),
    UpdateTime: isoTime(group.updatedAtMs),
  };
}

/** An Active asset's URL is the sandbox's copy; before that, and when Failed, the URL it was created from. */
export function renderAsset(asset: SandboxAssetRecord, publicUrl: string): ArkAsset {
  const view: ArkAsset = {
    Id: asset.id,
    Name: asset.name,
    URL: asset.status === 'Active' ? assetFileUrl(publicUrl, asset.id) : asset.sourceUrl,
    AssetType: asset.assetType,
    GroupId: asset.groupId,
    Status: asset.status,
    ProjectName: asset.projectName,
    CreateTime: isoTime(asset.createdAtMs),
    UpdateTime: isoTime(asset.updatedAtMs),
  };
  if (asset.status === 'Failed' && asset.error) view.Error = { Code: asset.error.Code, Message: asset.error.Message };
  return view;
}
