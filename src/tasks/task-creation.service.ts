import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BillingService } from '../billing/billing.service';
import { capabilityViolation, type ModelSpec } from '../catalog/catalog-rules';
import { CatalogService } from '../catalog/catalog.service';
import { DomainError } from '../common/errors/domain-error';
import type { RequestContext } from '../common/http/request-context';
import { HostResolver } from '../common/net/host-resolver';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { ASSET_REFERENCES, AssetReferences } from './asset-references';
import { CreateTaskRequest, hasReferencesAudio } from './dto/create-task.request';
import { compactInlineMedia } from './inline-media';
import { checkContent, type ContentSummary } from './task-content.rules';
import { enforceReferencePolicy } from './task-references.policy';
import { TaskSubmission } from './task-submission.service';
import type { TaskEntity } from './task.entity';

/**
 * The native task create of one tenant (docs/contract.md §3, §9), on a request CreateTaskPipe validated. In order:
 * the pure rules (model name, entitlement, content, capability), then the checks that read (the model's upstream
 * version, asset ownership, URL resolution), then the estimate, and TaskSubmission records, reserves and submits.
 * Nothing is read, resolved or sent for a request a pure rule refuses.
 */
@Injectable()
export class TaskCreation {
  constructor(
    private readonly catalog: CatalogService,
    @Inject(ASSET_REFERENCES) private readonly assets: AssetReferences,
    private readonly resolver: HostResolver,
    private readonly billing: BillingService,
    private readonly submission: TaskSubmission,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * With an Idempotency-Key, the same key and body return the first task's id without a second upstream call.
   * `recordId` (a fresh UUID) names the task record before the upstream call, so a caller can bind its own row to the
   * record first (the `/v1/videos` facade); without it the record gets a random one.
   */
  async create(tenant: TenantContext, request: CreateTaskRequest, ctx: RequestContext, recordId?: string): Promise<{ id: string }> {
    const { dto, body } = request;
    const { model, content } = this.checkRules(tenant, request);

    const upstreamModel = await this.catalog.upstreamModelFor(model);
    const { callbackUrl } = await enforceReferencePolicy(tenant, body, {
      assets: this.assets,
      resolver: this.resolver,
      allowedUrlPorts: this.config.allowedUrlPorts,
    });

    const upstreamBody: Record<string, unknown> = { ...body, model: upstreamModel };
    // What the record and the audit event keep: the request, large inline media as length and digest (docs/contract.md §10).
    const upstreamRequest = await compactInlineMedia(upstreamBody);
    const estimate = await this.billing.estimateNano({
      model: model.name,
      resolution: dto.resolution,
      ratio: dto.ratio,
      duration: dto.duration,
      hasVideoInput: content.hasVideoInput,
    });
    const now = Date.now();
    const draft: Omit<TaskEntity, 'tenantId'> = {
      id: recordId ?? randomUUID(),
      taskId: null,
      model: model.name,
      upstreamModel,
      status: 'submitting',
      upstreamRequest,
      upstreamTask: null,
      hasVideoInput: content.hasVideoInput,
      resolution: dto.resolution ?? null,
      ratio: dto.ratio ?? null,
      duration: dto.duration ?? null,
      safetyIdentifier: dto.safety_identifier ?? null,
      callbackUrl,
      requestId: ctx.requestId,
      errorCode: null,
      hiddenAt: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      nextSyncAt: null,
      leaseOwner: null,
      leaseUntil: null,
      syncAttempts: 0,
      reservedNano: estimate.toString(),
    };
    return this.submission.create(
      tenant,
      {
        draft,
        estimate,
        key: request.idempotency,
        auditProperties: { model: model.name, upstream_request: upstreamRequest },
        ...(upstreamRequest !== upstreamBody ? { upstreamBody } : {}),
      },
      ctx,
    );
  }

  /** The rules that need no I/O: the model name and the tenant's entitlement to it, the content mix, the model's capabilities. */
  private checkRules(tenant: TenantContext, { dto, body }: CreateTaskRequest): { model: ModelSpec; content: ContentSummary } {
    const model = this.catalog.resolveRequestedModel(dto.model);
    if (!tenant.entitlements.models.includes(model.name)) {
      throw new DomainError('service_unavailable', `This account is not enabled for model \`${model.name}\`.`, 'model');
    }
    const { violation, summary } = checkContent(dto.content);
    if (violation) throw DomainError.invalid(violation.param, violation.message);
    const capability = capabilityViolation(model, {
      resolution: dto.resolution,
      serviceTier: dto.service_tier,
      draft: dto.draft,
      hasAudioReference: summary.hasAudioReference || hasReferencesAudio(body.references),
    });
    if (capability) throw DomainError.invalid(capability.param, capability.message);
    return { model, content: summary };
  }
}
