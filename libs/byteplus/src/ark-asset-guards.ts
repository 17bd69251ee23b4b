/**
 * Shape checks for asset-library (OpenAPI) answers, applied before anything in them is trusted.
 * Each returns null when the value is acceptable, else a short description of the first problem.
 * Fields they do not know are allowed and kept.
 */
import { isArkAssetStatus, isArkAssetType } from './ark-asset-types';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isId = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** `{"ResponseMetadata": {...}, "Result": ...}` with a Result present. */
export function arkOpenApiEnvelopeProblem(value: unknown): string | null {
  if (!isObject(value)) return 'answer is not a JSON object';
  if (!isObject(value.ResponseMetadata)) return 'answer has no ResponseMetadata object';
  if (value.Result === undefined) return 'answer has no Result';
  return null;
}

/** Result of CreateAssetGroup / CreateAsset. */
export function arkCreatedIdProblem(value: unknown): string | null {
  if (!isObject(value)) return 'create Result is not a JSON object';
  if (!isId(value.Id)) return 'create Result has no Id';
  return null;
}

export function arkAssetGroupProblem(value: unknown): string | null {
  if (!isObject(value)) return 'asset group is not a JSON object';
  if (!isId(value.Id)) return 'asset group has no Id';
  for (const field of ['Name', 'Description', 'GroupType', 'ProjectName', 'CreateTime', 'UpdateTime']) {
    if (value[field] !== undefined && value[field] !== null && typeof value[field] !== 'string') {
      return `asset group ${value.Id} has a non-string ${field}`;
    }
  }
  return null;
}

export function arkAssetProblem(value: unknown): string | null {
  if (!isObject(value)) return 'asset is not a JSON object';
  if (!isId(value.Id)) return 'asset has no Id';
  if (!isArkAssetStatus(value.Status)) return `asset ${value.Id} has an unknown Status`;
  if (value.AssetType !== undefined && !isArkAssetType(value.AssetType)) return `asset ${value.Id} has an unknown AssetType`;
  for (const field of ['Name', 'URL', 'GroupId', 'ProjectName', 'CreateTime', 'UpdateTime']) {
    if (value[field] !== undefined && value[field] !== null && typeof value[field] !== 'string') {
      return `asset ${value.Id} has a non-string ${field}`;
    }
  }
  if (value.Error !== undefined && value.Error !== null && (!isObject(value.Error) || typeof value.Error.Code !== 'string')) {
    return `asset ${value.Id} has an Error without a Code`;
  }
  return null;
}

function listProblem(value: unknown, itemProblem: (item: unknown) => string | null): string | null {
  if (!isObject(value)) return 'list Result is not a JSON object';
  if (!Array.isArray(value.Items)) return 'list Result has no Items array';
  if (!isCount(value.TotalCount)) return 'list Result has no whole TotalCount';
  for (const field of ['PageNumber', 'PageSize']) {
    if (value[field] !== undefined && !isCount(value[field])) return `list Result has a ${field} that is not a whole number`;
  }
  for (const item of value.Items) {
    const problem = itemProblem(item);
    if (problem) return `list item: ${problem}`;
  }
  return null;
}

export function arkAssetGroupListProblem(value: unknown): string | null {
  return listProblem(value, arkAssetGroupProblem);
}

export function arkAssetListProblem(value: unknown): string | null {
  return listProblem(value, arkAssetProblem);
}
