import { Inject, Injectable, Logger } from '@nestjs/common';
import { ArkAsset, ArkOpenApiClient, ArkOpenApiError } from '@arkgate/byteplus';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import { SingleFlight } from '../common/concurrency/single-flight';
import { DomainError } from '../common/errors/domain-error';
import { validateNative } from '../common/http/native-validation';
import { refuseCaseVariants } from '../common/http/case-variant-keys';
import type { RequestContext } from '../common/http/request-context';
import { HostResolver } from '../common/net/host-resolver';
import { checkPublicHttpsUrl } from '../common/net/public-url';
import { CatalogService } from '../catalog/catalog.service';
import type { TenantContext } from '../tenancy/tenant-context';
import type { AssetReferences } from '../tasks/asset-references';
import type { AssetReference, MediaKind } from '../tasks/task-content.rules';
import { AssetGroupEntity } from './asset-group.entity';
import { AssetEntity, AssetStatus, AssetType } from './asset.entity';
import { AssetGroupRepository, AssetRepository, isSettled, Page } from './asset.repository';
import {
  AssetAction, ASSET_ACTIONS, ASSET_BODY_FIELDS, CreateAssetDto, CreateAssetGroupDto, GetByIdDto, ListAssetGroupsDto, ListAssetsDto,
} from './dto/asset-actions.dto';

export const ASSET_API_VERSION = '2024-01-01';

const TYPE_OF_KIND: Record<MediaKind, AssetType> = { image: 'Image', video: 'Video', audio: 'Audio' };
const ITEM_OF_TYPE: Record<AssetType, string> = { Image: 'image_url', Video: 'video_url', Audio: 'audio_url' };

/** BytePlus-style ISO time without milliseconds: `2026-03-18T03:33:32Z`. */
const isoTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface AssetActionResponse {
  ResponseMetadata: { RequestId: string; Action: string; Version: string; Service: 'ark'; Region: string };
  Result: Record<string, unknown>;
}

/**
 * The asset library of one tenant: the six BytePlus asset actions, answered from arkgate's own records
 * (refreshed from upstream while an asset is still being processed), and the asset:// check for tasks.
 */
@Injectable()
export class AssetsService implements AssetReferences {
  private readonly logger = new Logger(AssetsService.name);
  private readonly flights = new SingleFlight<AssetEntity>();

  constructor(
    private readonly groups: AssetGroupRepository,
    private readonly assets: AssetRepository,
    private readonly catalog: CatalogService,
    private readonly openApi: ArkOpenApiClient,
    private readonly resolver: HostResolver,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `POST /volcark/?Action=…&Version=2024-01-01`: checks the action and version, then runs it for the tenant. */
  async dispatch(tenant: TenantContext, action: unknown, version: unknown, rawBody: unknown, ctx: RequestContext): Promise<AssetActionResponse> {
    if (typeof action !== 'string' || action === '') throw DomainError.invalid('Action', 'The query parameter Action is required.');
    if (/^(Update|Delete)/.test(action)) {
      throw new DomainError('forbidden_action', `Action ${action} is not available: assets and groups cannot be updated or deleted through this platform.`, 'Action');
    }
    if (!(ASSET_ACTIONS as readonly string[]).includes(action)) {
      throw DomainError.invalid('Action', `Action ${action} is not supported. Use one of: ${ASSET_ACTIONS.join(', ')}.`);
    }
    if (version !== ASSET_API_VERSION) {
      throw DomainError.invalid('Version', `Version must be ${ASSET_API_VERSION}.`);
    }
    if (!this.config.ark.accessKeyId || !this.config.ark.secretAccessKey) {
      throw new DomainError('service_unavailable', 'The asset library is not configured on this platform (no control-plane credentials).');
    }
    refuseCaseVariants(rawBody, ASSET_BODY_FIELDS);
    const body = dropNulls(rawBody);
    const model = this.normalisedModel(body);
    const result = await this.run(action as AssetAction, tenant, body, model, ctx);
    return {
      ResponseMetadata: { RequestId: ctx.requestId, Action: action, Version: ASSET_API_VERSION, Service: 'ark', Region: this.config.ark.region },
      Result: result,
    };
  }

  /** Every asset:// in a task must be the caller's, Active, and of the item's type (DESIGN.md §3). */
  async verify(tenant: TenantContext, refs: AssetReference[]): Promise<void> {
    for (const ref of refs) {
      let asset = await this.assets.findOwned(tenant.id, ref.id);
      if (!asset) throw this.assetNotFound(ref.id, ref.param);
      asset = await this.refresh(asset);
      if (asset.status !== 'Active') {
        throw DomainError.invalid(ref.param, `Asset \`${ref.id}\` is ${asset.status}; only Active assets can be used in a task.`);
      }
      if (asset.assetType !== TYPE_OF_KIND[ref.kind]) {
        throw DomainError.invalid(
          ref.param,
          `Asset \`${ref.id}\` is of type ${asset.assetType}; use it in a ${ITEM_OF_TYPE[asset.assetType]} item.`,
        );
      }
    }
  }

  private run(action: AssetAction, tenant: TenantContext, body: Record<string, unknown>, model: string | null, ctx: RequestContext) {
    switch (action) {
      case 'CreateAssetGroup':
        return this.createGroup(tenant, body, model, ctx);
      case 'CreateAsset':
        return this.createAsset(tenant, body, model, ctx);
      case 'GetAssetGroup':
        return this.getGroup(tenant, body);
      case 'GetAsset':
        return this.getAsset(tenant, body);
      case 'ListAssetGroups':
        return this.listGroups(tenant, body);
      case 'ListAssets':
        return this.listAssets(tenant, body);
    }
  }

  private async createGroup(tenant: TenantContext, body: Record<string, unknown>, model: string | null, ctx: RequestContext) {
    const dto = validateNative(CreateAssetGroupDto, body);
    const upstream = await this.openApi.call<{ Id: string }>(
      'CreateAssetGroup',
      { Name: dto.Name, Description: dto.Description, GroupType: 'AIGC', ProjectName: this.config.ark.projectName },
      { requestId: ctx.requestId },
    );
    const now = Date.now();
    await this.uow.transaction(async (m) => {
      await this.groups.using(m).insert(tenant.id, {
        id: upstream.Result.Id,
        name: dto.Name,
        description: dto.Description ?? null,
        groupType: 'AIGC',
        model,
        requestId: ctx.requestId,
        createdAt: now,
        updatedAt: now,
      });
      await this.audit.record(m, {
        action: 'asset.CreateAssetGroup',
        ctx,
        targetId: upstream.Result.Id,
        outcome: { status: 200 },
        properties: { name: dto.Name, model },
      });
    });
    return { Id: upstream.Result.Id };
  }

  private async createAsset(tenant: TenantContext, body: Record<string, unknown>, model: string | null, ctx: RequestContext) {
    const moderation = body.Moderation as Record<string, unknown> | undefined;
    if (moderation && typeof moderation === 'object' && moderation.Strategy === 'Skip') {
      throw new DomainError('moderation_skip_not_allowed', 'Moderation.Strategy=Skip is not allowed on this platform.', 'Moderation.Strategy');
    }
    const url = body.URL ?? body.Url ?? body.url;
    const dto = validateNative(CreateAssetDto, { ...body, URL: url });
    const group = await this.groups.findOwned(tenant.id, dto.GroupId);
    if (!group) throw this.groupNotFound(dto.GroupId, 'GroupId');
    const check = await checkPublicHttpsUrl(dto.URL, this.resolver, 'URL');
    if (!check.ok) throw DomainError.invalid('URL', check.reason);

    const upstream = await this.openApi.call<{ Id: string }>(
      'CreateAsset',
      {
        GroupId: group.id,
        URL: check.url,
        AssetType: dto.AssetType,
        Name: dto.Name,
        Moderation: dto.Moderation,
        ProjectName: this.config.ark.projectName,
      },
      { requestId: ctx.requestId },
    );
    const now = Date.now();
    await this.uow.transaction(async (m) => {
      await this.assets.using(m).insert(tenant.id, {
      id: upstream.Result.Id,
      groupId: group.id,
      name: dto.Name ?? null,
      assetType: dto.AssetType,
      sourceUrl: check.url,
      upstreamUrl: null,
      status: 'Processing',
      errorCode: null,
      errorMessage: null,
      model,
      requestId: ctx.requestId,
      createdAt: now,
      updatedAt: now,
      });
      await this.audit.record(m, {
        action: 'asset.CreateAsset',
        ctx,
        targetId: upstream.Result.Id,
        outcome: { status: 200 },
        properties: { group_id: group.id, asset_type: dto.AssetType, url: check.url, model },
      });
    });
    return { Id: upstream.Result.Id };
  }

  private async getGroup(tenant: TenantContext, body: Record<string, unknown>) {
    const dto = validateNative(GetByIdDto, body);
    const group = await this.groups.findOwned(tenant.id, dto.Id);
    if (!group) throw this.groupNotFound(dto.Id, 'Id');
    return groupView(group);
  }

  private async getAsset(tenant: TenantContext, body: Record<string, unknown>) {
    const dto = validateNative(GetByIdDto, body);
    const asset = await this.assets.findOwned(tenant.id, dto.Id);
    if (!asset) throw this.assetNotFound(dto.Id, 'Id');
    return assetView(await this.refresh(asset));
  }

  private async listGroups(tenant: TenantContext, body: Record<string, unknown>) {
    const dto = validateNative(ListAssetGroupsDto, body);
    const page = pageOf(dto);
    const [rows, total] = await this.groups.listOwned(
      tenant.id,
      { ids: dto.Filter?.GroupIds, name: dto.Filter?.Name, groupType: dto.Filter?.GroupType },
      page,
    );
    return { Items: rows.map(groupView), TotalCount: total, PageNumber: page.number, PageSize: page.size };
  }

  private async listAssets(tenant: TenantContext, body: Record<string, unknown>) {
    const dto = validateNative(ListAssetsDto, body);
    const page = pageOf(dto);
    const groupIds = dto.Filter?.GroupIds ?? oneOf(dto.Filter?.GroupId) ?? oneOf(dto.GroupId);
    const [rows, total] = await this.assets.listOwned(tenant.id, { groupIds, statuses: dto.Filter?.Statuses, name: dto.Filter?.Name }, page);
    const fresh = await Promise.all(rows.map((r) => this.refresh(r)));
    return { Items: fresh.map(assetView), TotalCount: total, PageNumber: page.number, PageSize: page.size };
  }

  /**
   * Brings an asset that is still being processed in step with upstream. Upstream may briefly not see a
   * just-created asset, and may be down: either way the tenant is answered from arkgate's own record.
   */
  private refresh(asset: AssetEntity): Promise<AssetEntity> {
    if (isSettled(asset.status)) return Promise.resolve(asset);
    return this.flights.run(asset.id, () => this.doRefresh(asset));
  }

  private async doRefresh(asset: AssetEntity): Promise<AssetEntity> {
    let upstream: ArkAsset;
    try {
      upstream = (await this.openApi.call<ArkAsset>('GetAsset', { Id: asset.id, ProjectName: this.config.ark.projectName })).Result;
    } catch (err) {
      if (!(err instanceof ArkOpenApiError && err.status === 404)) {
        this.logger.warn(`refresh of asset ${asset.id} failed, answering from the record: ${(err as Error).message}`);
      }
      return asset;
    }
    const status = upstream.Status as AssetStatus;
    const patch: Partial<AssetEntity> = {
      status,
      upstreamUrl: typeof upstream.URL === 'string' ? upstream.URL : asset.upstreamUrl,
      errorCode: upstream.Error?.Code ?? null,
      errorMessage: upstream.Error?.Message ?? null,
      updatedAt: Date.now(),
    };
    await this.assets.applyUpstreamState(asset.tenantId, asset.id, patch);
    return (await this.assets.findOwned(asset.tenantId, asset.id)) ?? asset;
  }

  private normalisedModel(body: Record<string, unknown>): string | null {
    if (body.model === undefined) return null;
    if (typeof body.model !== 'string') throw DomainError.invalid('model', 'model must be a string.');
    return this.catalog.resolveRequestedModel(body.model).name;
  }

  private assetNotFound(id: string, param: string): DomainError {
    return new DomainError('asset_not_found', `Asset \`${id}\` does not exist or does not belong to this account.`, param);
  }

  private groupNotFound(id: string, param: string): DomainError {
    return new DomainError('asset_group_not_found', `Asset group \`${id}\` does not exist or does not belong to this account.`, param);
  }
}

function dropNulls(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw DomainError.invalid('', 'The request body must be a JSON object.');
  }
  const out = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
  if (typeof out.Filter === 'object' && out.Filter !== null && !Array.isArray(out.Filter)) {
    out.Filter = Object.fromEntries(Object.entries(out.Filter).filter(([, v]) => v !== null));
  }
  return out;
}

function oneOf(id: string | undefined): string[] | undefined {
  return id === undefined ? undefined : [id];
}

function pageOf(dto: { PageNumber?: number; PageSize?: number; SortBy?: string; SortOrder?: string }): Page {
  return {
    number: dto.PageNumber ?? 1,
    size: dto.PageSize ?? 10,
    sortBy: dto.SortBy === 'UpdateTime' ? 'updatedAt' : 'createdAt',
    order: dto.SortOrder === 'Asc' ? 'ASC' : 'DESC',
  };
}

function groupView(g: AssetGroupEntity): Record<string, unknown> {
  return {
    Id: g.id,
    Name: g.name,
    Description: g.description ?? '',
    GroupType: g.groupType,
    CreateTime: isoTime(g.createdAt),
    UpdateTime: isoTime(g.updatedAt),
    ...(g.model ? { model: g.model } : {}),
  };
}

function assetView(a: AssetEntity): Record<string, unknown> {
  return {
    Id: a.id,
    Name: a.name ?? '',
    URL: a.upstreamUrl ?? a.sourceUrl,
    AssetType: a.assetType,
    GroupId: a.groupId,
    Status: a.status,
    CreateTime: isoTime(a.createdAt),
    UpdateTime: isoTime(a.updatedAt),
    ...(a.status === 'Failed' ? { Error: { Code: a.errorCode ?? 'Failed', Message: a.errorMessage ?? '' } } : {}),
    ...(a.model ? { model: a.model } : {}),
  };
}
