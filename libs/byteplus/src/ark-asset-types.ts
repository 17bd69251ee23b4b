/**
 * Shapes of the BytePlus ModelArk asset library (control plane, `POST /?Action=X&Version=2024-01-01`, service `ark`),
 * field names exactly as upstream (PascalCase, `URL` all caps).
 */

export const ARK_OPENAPI_VERSION = '2024-01-01';
export const ARK_OPENAPI_SERVICE = 'ark';

export const ARK_ASSET_STATUSES = ['Pending', 'Processing', 'Active', 'Failed'] as const;
export type ArkAssetStatus = (typeof ARK_ASSET_STATUSES)[number];

export const ARK_ASSET_TYPES = ['Image', 'Video', 'Audio'] as const;
export type ArkAssetType = (typeof ARK_ASSET_TYPES)[number];

export const ARK_ASSET_GROUP_TYPES = ['AIGC', 'LivenessFace'] as const;
export type ArkAssetGroupType = (typeof ARK_ASSET_GROUP_TYPES)[number];

export const ARK_ASSET_ACTIONS = [
  'CreateAssetGroup',
  'GetAssetGroup',
  'ListAssetGroups',
  'UpdateAssetGroup',
  'DeleteAssetGroup',
  'CreateAsset',
  'GetAsset',
  'ListAssets',
  'UpdateAsset',
  'DeleteAsset',
] as const;
export type ArkAssetAction = (typeof ARK_ASSET_ACTIONS)[number];

export function isArkAssetStatus(value: unknown): value is ArkAssetStatus {
  return typeof value === 'string' && (ARK_ASSET_STATUSES as readonly string[]).includes(value);
}

export function isArkAssetType(value: unknown): value is ArkAssetType {
  return typeof value === 'string' && (ARK_ASSET_TYPES as readonly string[]).includes(value);
}

/** `ResponseMetadata.Error` of a failed call, and `Error` of a Failed asset. */
export interface ArkOpenApiErrorInfo {
  Code: string;
  Message: string;
  [field: string]: unknown;
}

export interface ArkResponseMetadata {
  RequestId: string;
  Action: string;
  Version: string;
  Service: string;
  Region: string;
  Error?: ArkOpenApiErrorInfo;
  [field: string]: unknown;
}

/** Every answer: metadata, and `Result` on success. */
export interface ArkOpenApiResponse<T> {
  ResponseMetadata: ArkResponseMetadata;
  Result: T;
}

/** Times are ISO-8601 UTC strings, e.g. `2026-03-18T03:33:32Z`. */
export interface ArkAssetGroup {
  Id: string;
  Name: string;
  Description: string;
  GroupType: ArkAssetGroupType;
  ProjectName: string;
  CreateTime: string;
  UpdateTime: string;
  [field: string]: unknown;
}

export interface ArkAsset {
  Id: string;
  Name: string;
  /** Signed URL of the processed file once Active (valid 12 h). */
  URL: string;
  AssetType: ArkAssetType;
  GroupId: string;
  Status: ArkAssetStatus;
  ProjectName: string;
  CreateTime: string;
  UpdateTime: string;
  /** Why the asset failed; only on Failed assets. */
  Error?: ArkOpenApiErrorInfo;
  [field: string]: unknown;
}

export interface ArkListResult<T> {
  Items: T[];
  TotalCount: number;
  PageNumber: number;
  PageSize: number;
}

export type ArkAssetGroupList = ArkListResult<ArkAssetGroup>;
export type ArkAssetList = ArkListResult<ArkAsset>;

/** Answer of CreateAssetGroup and CreateAsset. */
export interface ArkCreatedId {
  Id: string;
}

export type ArkSortBy = 'CreateTime' | 'UpdateTime';
export type ArkSortOrder = 'Desc' | 'Asc';

interface Paging {
  PageNumber?: number;
  PageSize?: number;
  SortBy?: ArkSortBy;
  SortOrder?: ArkSortOrder;
  ProjectName?: string;
}

export interface CreateAssetGroupParams {
  Name: string;
  Description?: string;
  GroupType?: ArkAssetGroupType;
  ProjectName?: string;
}

export interface GetByIdParams {
  Id: string;
  ProjectName?: string;
}

export interface ListAssetGroupsParams extends Paging {
  Filter?: { Name?: string; GroupIds?: string[]; GroupType?: ArkAssetGroupType };
}

export interface CreateAssetParams {
  GroupId: string;
  URL: string;
  AssetType: ArkAssetType;
  Name?: string;
  ProjectName?: string;
  Moderation?: { Strategy: 'Default' | 'Skip' };
}

export interface ListAssetsParams extends Paging {
  Filter?: { GroupIds?: string[]; GroupType?: ArkAssetGroupType; Statuses?: ArkAssetStatus[]; Name?: string };
}

export interface ArkOpenApiRequestOptions {
  /** Sent as `X-Client-Request-Id` (not signed). */
  requestId?: string;
  /** The caller's own cancellation; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}
