import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ArkAsset, ArkOpenApiClient, ArkOpenApiError, ArkUnavailableError } from '@arkgate/byteplus';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import { SingleFlight } from '../common/concurrency/single-flight';
import { DomainError } from '../common/errors/domain-error';
import { validateNative } from '../common/http/native-validation';
import { refuseCaseVariants } from '../common/http/case-variant-keys';
import type { RequestContext } from '../common/http/request-context';
import { HostResolver } from '../common/net/host-resolver';
import { checkPublicUrl } from '../common/net/public-url';
import { CatalogService } from '../catalog/catalog.service';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import type { AssetReferences } from '../tasks/asset-references';
import type { AssetReference, MediaKind } from '../tasks/task-content.rules';
import { AssetGroupEntity } from './asset-group.entity';
import { AssetEntity, AssetType } from './asset.entity';
import { AssetGroupRepository } from './asset-group.repository';
import type { Page } from './asset-listing';
import { AssetRepository, isSettled } from './asset.repository';
import { asksToSkipModeration } from './moderation.rules';
import { createOutcomeOf } from './asset-outcome';
import { AssetReconciler } from './asset-reconciler.service';
import { AssetSubmissionEntity, AssetSubmissionKind } from './asset-submission.entity';
import { AssetSubmissionRepository } from './asset-submission.repository';
import {
  AssetAction,
  ASSET_ACTIONS,
  ASSET_BODY_FIELDS,
  CreateAssetDto,
  CreateAssetGroupDto,
  GetByIdDto,
  ListAssetGroupsDto,
  ListAssetsDto,
} from './dto/asset-actions.dto';

export const ASSET_API_VERSION = '2024-01-01';

const TYPE_OF_KIND: Record<MediaKind, AssetType> = { image: 'Image', video: 'Video', audio: 'Audio' };
const ITEM_OF_TYPE: Record<AssetType, string> = { Image: 'image_url', Video: 'video_url', Audio: 'audio_url' };
/** How often a create with an unknown outcome lists upstream while it resolves inline. */
const INLINE_POLL_MS = 250;

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
    private readonly submissions: AssetSubmissionRepository,
    private readonly reconciler: AssetReconciler,
  ) {}

  /** `POST /volcark/?Action=…&Version=2024-01-01`: checks the action and version, then runs it for the tenant. */
  async dispatch(tenant: TenantContext, action: unknown, version: unknown, rawBody: unknown, ctx: RequestContext): Promise<AssetActionResponse> {
    if (typeof action !== 'string' || action === '') throw DomainError.invalid('Action', 'The query parameter Action is required.');
    if (/^(Update|Delete)/.test(action)) {
      throw new DomainError(
        'forbidden_action',
        `Action ${action} is not available: assets and groups cannot be updated or deleted through this platform.`,
        'Action',
      );
    }
    if (!(ASSET_ACTIONS as readonly string[]).includes(action)) {
      throw DomainError.invalid('Action', `Action ${action} is not supported. Use one of: ${ASSET_ACTIONS.join(', ')}.`);
    }
    if (version !== ASSET_API_VERSION) {
      throw DomainError.invalid('Version', `Version must be ${ASSET_API_VERSION}.`);
    }
    if (asksToSkipModeration(rawBody)) {
      throw new DomainError('moderation_skip_not_allowed', 'Moderation.Strategy=Skip is not allowed on this platform.', 'Moderation.Strategy');
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

  /** Every asset:// in a task must be the caller's, Active, and of the item's type (docs/contract.md §3). */
  async verify(tenant: TenantContext, refs: AssetReference[]): Promise<void> {
    for (const ref of refs) {
      let asset = await this.assets.findOwned(tenant.id, ref.id);
      if (!asset) throw this.assetNotFound(ref.id, ref.param);
      asset = await this.refresh(asset);
      if (asset.status !== 'Active') {
        throw DomainError.invalid(ref.param, `Asset \`${ref.id}\` is ${asset.status}; only Active assets can be used in a task.`);
      }
      if (ref.kind !== null && asset.assetType !== TYPE_OF_KIND[ref.kind]) {
        throw DomainError.invalid(ref.param, `Asset \`${ref.id}\` is of type ${asset.assetType}; use it in a ${ITEM_OF_TYPE[asset.assetType]} item.`);
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
    const sent = { Name: dto.Name, Description: dto.Description, GroupType: 'AIGC', ProjectName: this.config.ark.projectName };
    return this.submit(tenant, 'group', 'CreateAssetGroup', sent, model, ctx);
  }

  private async createAsset(tenant: TenantContext, body: Record<string, unknown>, model: string | null, ctx: RequestContext) {
    const url = body.URL ?? body.Url ?? body.url;
    const dto = validateNative(CreateAssetDto, { ...body, URL: url });
    const group = await this.groups.findOwned(tenant.id, dto.GroupId);
    if (!group) throw this.groupNotFound(dto.GroupId, 'GroupId');
    const check = await checkPublicUrl(dto.URL, this.resolver, { field: 'URL', schemes: ['https'], ports: this.config.allowedUrlPorts });
    if (!check.ok) throw DomainError.invalid('URL', check.reason);
    const sent = {
      GroupId: group.id,
      URL: check.url,
      AssetType: dto.AssetType,
      Name: dto.Name,
      Moderation: dto.Moderation,
      ProjectName: this.config.ark.projectName,
    };
    return this.submit(tenant, 'asset', 'CreateAsset', sent, model, ctx);
  }

  /**
   * A create with the three outcomes of docs/contract.md §9: the submission is recorded first; accepted → the group/asset is
   * the tenant's; refused (4xx, or nothing sent) → nothing stays recorded and the error is answered as before;
   * unknown (5xx, reset, timeout, malformed answer) → resolved by listing upstream for up to
   * ARKGATE_RECONCILE_INLINE_MS, else 502 and left to the background reconciler.
   */
  private async submit(
    tenant: TenantContext,
    kind: AssetSubmissionKind,
    action: 'CreateAssetGroup' | 'CreateAsset',
    sent: Record<string, unknown>,
    model: string | null,
    ctx: RequestContext,
  ): Promise<{ Id: string }> {
    const now = Date.now();
    const sub = await this.submissions.insert(tenant.id, {
      id: randomUUID(),
      kind,
      status: 'submitting',
      upstreamRequest: JSON.parse(JSON.stringify(sent)) as Record<string, unknown>,
      model,
      upstreamId: null,
      reason: null,
      requestId: ctx.requestId,
      leaseOwner: null,
      leaseUntil: null,
      createdAt: now,
      updatedAt: now,
    });
    let upstreamId: string;
    try {
      upstreamId = (await this.openApi.call<{ Id: string }>(action, sent, { requestId: ctx.requestId })).Result.Id;
      if (typeof upstreamId !== 'string' || upstreamId === '')
        throw new ArkUnavailableError('bad_response', `Unexpected upstream answer to ${action}: no Result.Id`);
    } catch (err) {
      if (createOutcomeOf(err) === 'refused') {
        await this.submissions.deleteRefused(tenant.id, sub.id);
        throw err;
      }
      return this.resolveUnknown(sub, action, ctx, err as Error);
    }
    if (!(await this.reconciler.attach(sub, upstreamId, ctx, `asset.${action}`))) {
      // Only a reconciler that mistook this call for a crashed one can have attached it first; it is the tenant's.
      this.logger.warn(`[${ctx.requestId}] asset submission ${sub.id} was already settled when its answer arrived`);
    }
    return { Id: upstreamId };
  }

  private async resolveUnknown(sub: AssetSubmissionEntity, action: string, ctx: RequestContext, cause: Error): Promise<{ Id: string }> {
    this.logger.warn(`[${ctx.requestId}] ${action} outcome unknown (${cause.message}); resolving against upstream listings`);
    const inlineMs = this.config.reconcile.inlineMs;
    // The request resolves it for now; the background job takes over once this lease ends.
    await this.submissions.markUnknown(sub.tenantId, sub.id, cause.message, this.reconciler.owner, Date.now() + inlineMs + 1000);
    const until = Date.now() + inlineMs;
    while (inlineMs > 0 && Date.now() < until) {
      const resolution = await this.reconciler.resolve(sub, ctx, `asset.${action}`).catch(() => ({ state: 'open' as const }));
      if (resolution.state === 'attached') return { Id: resolution.upstreamId };
      if (resolution.state !== 'open') break;
      await new Promise((r) => setTimeout(r, Math.min(INLINE_POLL_MS, Math.max(0, until - Date.now()))));
    }
    throw new DomainError(
      'upstream_error',
      `The upstream did not confirm ${action}; the outcome is being resolved and the ${action === 'CreateAsset' ? 'asset' : 'asset group'} will appear in your list if it was created. Check the list before retrying, to avoid a duplicate.`,
    );
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
    const [rows, total] = await this.groups.listOwned(tenant.id, { ids: dto.Filter?.GroupIds, name: dto.Filter?.Name, groupType: dto.Filter?.GroupType }, page);
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
    const status = upstream.Status;
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
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
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
