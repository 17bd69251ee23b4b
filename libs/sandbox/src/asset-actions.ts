/**
 * The ten asset-library actions, on a parsed JSON body, strict like the upstream: a missing required field is
 * `MissingParameter`, a wrong type or value `InvalidParameter` (both 400), an unknown object `NotFound.*` (404).
 * `null` counts as absent; fields the action does not know are ignored. Every object lives in a project
 * (`ProjectName`, default `default`); a project the account does not have is `NotFound.ProjectName` (404).
 */
import { ARK_ASSET_ACTIONS, ARK_ASSET_GROUP_TYPES, ARK_ASSET_STATUSES, ARK_ASSET_TYPES, type ArkAssetAction } from '@arkgate/byteplus';
import type { AssetStore, SandboxAssetGroupRecord, SandboxAssetRecord } from './asset-store';
import { renderAsset, renderAssetGroup } from './asset-view';
import { OpenApiRefusal } from './openapi-envelope';

export interface AssetActionsOptions {
  /** Projects of the account; ProjectName must be one of them. */
  projects: readonly string[];
  /** Base of asset file URLs, read per request because it is known only once the port is bound. */
  publicUrl: () => string;
}

type Json = Record<string, unknown>;

interface Page {
  number: number;
  size: number;
  sortBy: 'CreateTime' | 'UpdateTime';
  order: 'Desc' | 'Asc';
}

export const DEFAULT_PROJECT = 'default';
const NAME_MAX = 64;
const DESCRIPTION_MAX = 300;
const PAGE_SIZE_DEFAULT = 10;
const PAGE_SIZE_MAX = 100;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function isAssetAction(value: string): value is ArkAssetAction {
  return (ARK_ASSET_ACTIONS as readonly string[]).includes(value);
}

export class AssetActions {
  constructor(
    private readonly store: AssetStore,
    private readonly opts: AssetActionsOptions,
  ) {}

  /** The Result of the action, or an OpenApiRefusal thrown. */
  run(action: ArkAssetAction, raw: Json): unknown {
    const body = withoutNulls(raw);
    const project = this.project(body);
    switch (action) {
      case 'CreateAssetGroup':
        return this.createGroup(body, project);
      case 'GetAssetGroup':
        return renderAssetGroup(this.requireGroup(requiredString(body, 'Id'), project));
      case 'ListAssetGroups':
        return this.listGroups(body, project);
      case 'UpdateAssetGroup':
        return this.updateGroup(body, project);
      case 'DeleteAssetGroup':
        return this.deleteGroup(body, project);
      case 'CreateAsset':
        return this.createAsset(body, project);
      case 'GetAsset':
        return renderAsset(this.requireAsset(requiredString(body, 'Id'), project), this.opts.publicUrl());
      case 'ListAssets':
        return this.listAssets(body, project);
      case 'UpdateAsset':
        return this.updateAsset(body, project);
      case 'DeleteAsset':
        return this.deleteAsset(body, project);
    }
  }

  private project(body: Json): string {
    const project = optionalString(body, 'ProjectName') ?? DEFAULT_PROJECT;
    if (!this.opts.projects.includes(project)) {
      throw new OpenApiRefusal(404, 'NotFound.ProjectName', `The project ${project} does not exist in this account.`);
    }
    return project;
  }

  private createGroup(body: Json, project: string): { Id: string } {
    const name = requiredString(body, 'Name', NAME_MAX);
    const description = optionalString(body, 'Description', DESCRIPTION_MAX) ?? '';
    const groupType = optionalEnum(body, 'GroupType', ARK_ASSET_GROUP_TYPES) ?? 'AIGC';
    if (groupType === 'LivenessFace') {
      invalid('GroupType', 'LivenessFace groups cannot be created through the API; they are created by the liveness verification flow');
    }
    const group = this.store.createGroup({ name, description, groupType, projectName: project });
    return { Id: group.id };
  }

  private listGroups(body: Json, project: string) {
    const filter = optionalObject(body, 'Filter') ?? {};
    const name = optionalString(filter, 'Name', undefined, 'Filter.Name')?.toLowerCase();
    const ids = optionalStringArray(filter, 'GroupIds', 'Filter.GroupIds');
    const groupType = optionalEnum(filter, 'GroupType', ARK_ASSET_GROUP_TYPES, 'Filter.GroupType');
    const page = pageOf(body);
    const matching = this.store
      .allGroups()
      .filter(
        (group) =>
          group.projectName === project &&
          (name === undefined || group.name.toLowerCase().includes(name)) &&
          (ids === undefined || ids.length === 0 || ids.includes(group.id)) &&
          (groupType === undefined || group.groupType === groupType),
      );
    return paged(matching, page, renderAssetGroup);
  }

  private updateGroup(body: Json, project: string): Json {
    const group = this.requireGroup(requiredString(body, 'Id'), project);
    const name = optionalString(body, 'Name', NAME_MAX);
    if (name === '') invalid('Name', 'must not be empty');
    const description = optionalString(body, 'Description', DESCRIPTION_MAX);
    this.store.updateGroup(group.id, { name, description });
    return {};
  }

  private deleteGroup(body: Json, project: string): Json {
    const group = this.requireGroup(requiredString(body, 'Id'), project);
    const count = this.store.countInGroup(group.id);
    if (count > 0) {
      throw new OpenApiRefusal(409, 'OperationDenied.GroupNotEmpty', `The asset group ${group.id} still holds ${count} asset(s); delete them first.`);
    }
    this.store.deleteGroup(group.id);
    return {};
  }

  private createAsset(body: Json, project: string): { Id: string } {
    const groupId = requiredString(body, 'GroupId');
    const url = requiredString(body, 'URL');
    if (url.trim() === '') invalid('URL', 'must not be empty');
    const assetType = optionalEnum(body, 'AssetType', ARK_ASSET_TYPES);
    if (assetType === undefined) missing('AssetType');
    const name = optionalString(body, 'Name', NAME_MAX) ?? '';
    const moderation = optionalObject(body, 'Moderation');
    const strategy = moderation ? optionalEnum(moderation, 'Strategy', ['Default', 'Skip'] as const, 'Moderation.Strategy') : undefined;
    const group = this.requireGroup(groupId, project);
    const asset = this.store.createAsset({
      groupId: group.id,
      projectName: project,
      name,
      assetType,
      sourceUrl: url,
      moderation: strategy ?? 'Default',
    });
    return { Id: asset.id };
  }

  private listAssets(body: Json, project: string) {
    const filter = optionalObject(body, 'Filter') ?? {};
    const groupIds = optionalStringArray(filter, 'GroupIds', 'Filter.GroupIds');
    const groupType = optionalEnum(filter, 'GroupType', ARK_ASSET_GROUP_TYPES, 'Filter.GroupType');
    const statuses = optionalStringArray(filter, 'Statuses', 'Filter.Statuses');
    for (const status of statuses ?? []) {
      if (!(ARK_ASSET_STATUSES as readonly string[]).includes(status)) invalid('Filter.Statuses', `must contain only ${ARK_ASSET_STATUSES.join(', ')}`);
    }
    const name = optionalString(filter, 'Name', undefined, 'Filter.Name')?.toLowerCase();
    const page = pageOf(body);
    const matching = this.store
      .allAssets(true)
      .filter(
        (asset) =>
          asset.projectName === project &&
          (groupIds === undefined || groupIds.length === 0 || groupIds.includes(asset.groupId)) &&
          (groupType === undefined || this.store.group(asset.groupId)?.groupType === groupType) &&
          (statuses === undefined || statuses.length === 0 || statuses.includes(asset.status)) &&
          (name === undefined || asset.name.toLowerCase().includes(name)),
      );
    const publicUrl = this.opts.publicUrl();
    return paged(matching, page, (asset) => renderAsset(asset, publicUrl));
  }

  private updateAsset(body: Json, project: string): Json {
    const asset = this.requireAsset(requiredString(body, 'Id'), project);
    const name = optionalString(body, 'Name', NAME_MAX);
    this.store.updateAsset(asset.id, { name });
    return {};
  }

  private deleteAsset(body: Json, project: string): Json {
    const asset = this.requireAsset(requiredString(body, 'Id'), project);
    this.store.deleteAsset(asset.id);
    return {};
  }

  private requireGroup(id: string, project: string): SandboxAssetGroupRecord {
    const group = this.store.group(id);
    if (!group || group.projectName !== project) {
      throw new OpenApiRefusal(404, 'NotFound.AssetGroup', `The asset group ${id} does not exist.`);
    }
    return group;
  }

  /** Visible assets only: a just-created one is not found yet. */
  private requireAsset(id: string, project: string): SandboxAssetRecord {
    const asset = this.store.visibleAsset(id);
    if (!asset || asset.projectName !== project) throw new OpenApiRefusal(404, 'NotFound.Asset', `The asset ${id} does not exist.`);
    return asset;
  }
}

function paged<T extends { createdAtMs: number; updatedAtMs: number; seq: number }>(items: T[], page: Page, render: (item: T) => unknown) {
  const key = page.sortBy === 'UpdateTime' ? 'updatedAtMs' : 'createdAtMs';
  const direction = page.order === 'Asc' ? 1 : -1;
  const sorted = [...items].sort((a, b) => direction * (a[key] - b[key] || a.seq - b.seq));
  const start = (page.number - 1) * page.size;
  return {
    Items: sorted.slice(start, start + page.size).map(render),
    TotalCount: items.length,
    PageNumber: page.number,
    PageSize: page.size,
  };
}

function pageOf(body: Json): Page {
  return {
    number: optionalInteger(body, 'PageNumber', 1, Number.MAX_SAFE_INTEGER) ?? 1,
    size: optionalInteger(body, 'PageSize', 1, PAGE_SIZE_MAX) ?? PAGE_SIZE_DEFAULT,
    sortBy: optionalEnum(body, 'SortBy', ['CreateTime', 'UpdateTime'] as const) ?? 'CreateTime',
    order: optionalEnum(body, 'SortOrder', ['Desc', 'Asc'] as const) ?? 'Desc',
  };
}

function withoutNulls(body: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(body)) if (value !== null) out[key] = value;
  return out;
}

function invalid(param: string, reason: string): never {
  throw new OpenApiRefusal(400, 'InvalidParameter', `The parameter ${param} is not valid: ${reason}.`);
}

function missing(param: string): never {
  throw new OpenApiRefusal(400, 'MissingParameter', `The required parameter ${param} is missing.`);
}

function requiredString(body: Json, field: string, max?: number, param = field): string {
  const value = optionalString(body, field, max, param);
  if (value === undefined) missing(param);
  return value;
}

function optionalString(body: Json, field: string, max?: number, param = field): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(param, 'must be a string');
  if (max !== undefined && [...value].length > max) invalid(param, `must be at most ${max} characters`);
  return value;
}

function optionalEnum<T extends string>(body: Json, field: string, allowed: readonly T[], param = field): T | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) invalid(param, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function optionalInteger(body: Json, field: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(field, max === Number.MAX_SAFE_INTEGER ? `must be an integer of at least ${min}` : `must be an integer between ${min} and ${max}`);
  }
  return value;
}

function optionalStringArray(body: Json, field: string, param = field): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) invalid(param, 'must be an array of strings');
  return value as string[];
}

function optionalObject(body: Json, field: string): Json | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) invalid(field, 'must be an object');
  return value;
}
