import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { randomUUID } from 'node:crypto';
import { ArkApiError, ArkDataClient } from '@arkgate/byteplus';
import { canonicalJsonSha256 } from '../common/canonical-json';
import { DomainError } from '../common/errors/domain-error';
import { validateNative } from '../common/http/native-validation';
import type { RequestContext } from '../common/http/request-context';
import { HostResolver } from '../common/net/host-resolver';
import { BillingService } from '../billing/billing.service';
import { capabilityViolation, stableNameOf } from '../catalog/catalog-rules';
import { UnitOfWork } from '../database/unit-of-work';
import { AuditService } from '../audit/audit.service';
import { CatalogService } from '../catalog/catalog.service';
import type { TenantContext } from '../tenancy/tenant-context';
import { ASSET_REFERENCES, AssetReferences } from './asset-references';
import { CreateTaskDto } from './dto/create-task.dto';
import { DEFAULT_PAGE_SIZE, ListTasksQuery, MAX_PAGE_NUM, MAX_PAGE_SIZE, TASK_STATUSES, PublicTaskStatus } from './dto/list-tasks.query';
import { checkContent } from './task-content.rules';
import { enforceReferencePolicy } from './task-references.policy';
import { CREATE_TASK_FIELDS, normalizeCreateBody } from './task-request.normalizer';
import { refuseCaseVariants } from '../common/http/case-variant-keys';
import { compactInlineMedia } from './inline-media';
import { TaskEntity, VISIBLE_STATUSES } from './task.entity';
import { TaskSubmission } from './task-submission.service';
import { TaskRepository } from './task.repository';
import { isTerminal, TaskSyncService } from './task-sync.service';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Seed §8: the body of a refused delete of a running task. */
const RUNNING_DELETE_MESSAGE = 'Cannot delete task because it is currently running.';

/** The BytePlus-native tasks API of one tenant: create, get, list, delete. */
@Injectable()
export class TasksService {
  private readonly logger = new Logger(TasksService.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly sync: TaskSyncService,
    private readonly catalog: CatalogService,
    private readonly ark: ArkDataClient,
    private readonly resolver: HostResolver,
    @Inject(ASSET_REFERENCES) private readonly assets: AssetReferences,
    private readonly uow: UnitOfWork,
    private readonly billing: BillingService,
    private readonly submission: TaskSubmission,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Validates everything that can be known before money is spent, then hands the create to TaskSubmission, which
   * reserves its upper-bound cost against the tenant's spend limit and submits it upstream (docs/contract.md §9). With an
   * Idempotency-Key, the same key and body return the first task's id without a second upstream call. `recordId`
   * (a fresh UUID) names the task record before the upstream call, so a caller can bind its own row to the record
   * first (the `/v1/videos` facade); without it the record gets a random one.
   */
  async create(tenant: TenantContext, rawBody: unknown, ctx: RequestContext, idempotencyKey?: string, recordId?: string): Promise<{ id: string }> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw DomainError.invalid('Idempotency-Key', 'The Idempotency-Key header must be 1–255 printable ASCII characters.');
    }
    refuseCaseVariants(rawBody, CREATE_TASK_FIELDS);
    const body = normalizeCreateBody(rawBody) as Record<string, unknown>;
    const dto = validateNative(CreateTaskDto, body);

    const model = this.catalog.resolveRequestedModel(dto.model);
    if (!tenant.entitlements.models.includes(model.name)) {
      throw new DomainError('service_unavailable', `This account is not enabled for model \`${model.name}\`.`, 'model');
    }
    const upstreamModel = await this.catalog.upstreamModelFor(model);

    const { violation, summary } = checkContent(body.content as never);
    if (violation) throw DomainError.invalid(violation.param, violation.message);
    const capability = capabilityViolation(model, {
      resolution: dto.resolution,
      serviceTier: dto.service_tier,
      draft: dto.draft,
      hasAudioReference: summary.hasAudioReference || hasReferencesAudio(body.references),
    });
    if (capability) throw DomainError.invalid(capability.param, capability.message);

    await enforceReferencePolicy(tenant, body, { assets: this.assets, resolver: this.resolver, allowedUrlPorts: this.config.allowedUrlPorts });

    const upstreamBody: Record<string, unknown> = { ...body, model: upstreamModel };
    // What the record and the audit event keep: the request, large inline media as length and digest (docs/contract.md §10).
    const upstreamRequest = await compactInlineMedia(upstreamBody);
    const estimate = await this.billing.estimateNano({
      model: model.name,
      resolution: dto.resolution,
      ratio: dto.ratio,
      duration: dto.duration,
      hasVideoInput: summary.hasVideoInput,
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
      hasVideoInput: summary.hasVideoInput,
      resolution: dto.resolution ?? null,
      ratio: dto.ratio ?? null,
      duration: dto.duration ?? null,
      safetyIdentifier: dto.safety_identifier ?? null,
      callbackUrl: (body.callback_url as string | undefined) ?? null,
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
    const key = idempotencyKey === undefined ? undefined : { key: idempotencyKey, bodySha256: await canonicalJsonSha256(rawBody) };
    return this.submission.create(
      tenant,
      { draft, estimate, key, auditProperties: { model: model.name, upstream_request: upstreamRequest }, ...(upstreamRequest !== upstreamBody ? { upstreamBody } : {}) },
      ctx,
    );
  }

  /** The upstream id of this tenant's task record `recordId` once it is a task (accepted and recorded); null before or when refused. */
  async upstreamIdOfRecord(tenant: TenantContext, recordId: string): Promise<string | null> {
    const row = await this.tasks.reload(tenant.id, recordId);
    return row && row.taskId && VISIBLE_STATUSES.includes(row.status) ? row.taskId : null;
  }

  /** The record id of this tenant's visible task `taskId` (null when it has none). */
  async recordIdOfTask(tenant: TenantContext, taskId: string): Promise<string | null> {
    return (await this.tasks.findVisible(tenant.id, taskId))?.id ?? null;
  }

  /** A task of this tenant; a non-terminal one is refreshed from upstream first. */
  async get(tenant: TenantContext, taskId: string, ctx: RequestContext): Promise<Record<string, unknown>> {
    let row = await this.visibleOrThrow(tenant, taskId);
    if (!isTerminal(row.status)) {
      try {
        row = await this.sync.refresh(row, { requestId: ctx.requestId });
      } catch (err) {
        this.logger.warn(`[${ctx.requestId}] refresh of ${taskId} failed, serving the stored state: ${(err as Error).message}`);
      }
    }
    return present(row);
  }

  async list(tenant: TenantContext, rawQuery: Record<string, unknown>): Promise<{ items: Record<string, unknown>[]; total: number }> {
    const query = parseListQuery(rawQuery);
    const [rows, total] = await this.tasks.listVisible(tenant.id, query);
    return { items: rows.map(present), total };
  }

  /** Queued → cancelled upstream; running → 409; terminal → hidden for this tenant (records stay). */
  async delete(tenant: TenantContext, taskId: string, ctx: RequestContext): Promise<Record<string, never>> {
    let row = await this.visibleOrThrow(tenant, taskId);
    if (!isTerminal(row.status)) row = await this.sync.refresh(row, { requestId: ctx.requestId });
    if (row.status === 'running') throw new DomainError('running_task_deletion', RUNNING_DELETE_MESSAGE);
    if (row.status === 'queued') {
      try {
        await this.ark.deleteTask(row.taskId as string, { requestId: ctx.requestId });
      } catch (err) {
        if (err instanceof ArkApiError && err.status === 409) throw new DomainError('running_task_deletion', RUNNING_DELETE_MESSAGE);
        throw err;
      }
      const cancelled = { ...(row.upstreamTask ?? {}), status: 'cancelled', updated_at: Math.floor(Date.now() / 1000) };
      await this.sync.apply(row, cancelled as never, (m) =>
        this.audit.record(m, { action: 'task.delete', ctx, targetId: taskId, outcome: { status: 200 }, properties: { effect: 'cancelled' } }),
      );
      return {};
    }
    await this.uow.transaction(async (m) => {
      await this.tasks.using(m).hide(tenant.id, row.id);
      await this.audit.record(m, { action: 'task.delete', ctx, targetId: taskId, outcome: { status: 200 }, properties: { effect: 'hidden', status: row.status } });
    });
    return {};
  }

  private async visibleOrThrow(tenant: TenantContext, taskId: string): Promise<TaskEntity> {
    const row = await this.tasks.findVisible(tenant.id, taskId);
    if (!row) throw new DomainError('task_not_found', `Task \`${taskId}\` does not exist or does not belong to this account.`, 'task_id');
    return row;
  }
}

/** The BytePlus task object as the tenant sees it: `model` is the stable name, never the upstream id. */
export function present(row: TaskEntity): Record<string, unknown> {
  const base = row.upstreamTask ?? {
    id: row.taskId,
    status: row.status,
    created_at: Math.floor(row.createdAt / 1000),
    updated_at: Math.floor(row.updatedAt / 1000),
    content: {},
    ...pick(row.upstreamRequest, ['resolution', 'ratio', 'duration', 'service_tier', 'execution_expires_after', 'generate_audio', 'draft', 'priority', 'safety_identifier', 'seed']),
  };
  return { ...base, id: row.taskId, model: row.model, status: row.status };
}

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => obj[k] !== undefined).map((k) => [k, obj[k]]));
}

function hasReferencesAudio(references: unknown): boolean {
  if (typeof references !== 'object' || references === null) return false;
  const audio = (references as Record<string, unknown>).audio;
  return Array.isArray(audio) ? audio.length > 0 : audio !== undefined && audio !== null;
}

function one(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function intParam(raw: unknown, name: string, min: number, max: number, fallback: number): number {
  const value = one(raw);
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw DomainError.invalid(name, `The parameter \`${name}\` specified in the request is not valid: must be an integer from ${min} to ${max}.`);
  }
  return n;
}

/** Seed §7 query: page_num, page_size, filter.status, filter.model (stable or alias), filter.task_ids. */
export function parseListQuery(raw: Record<string, unknown>): ListTasksQuery {
  const query: ListTasksQuery = {
    pageNum: intParam(raw.page_num, 'page_num', 1, MAX_PAGE_NUM, 1),
    pageSize: intParam(raw.page_size, 'page_size', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
  };
  const status = one(raw['filter.status']);
  if (status !== undefined && status !== '') {
    if (!TASK_STATUSES.includes(status as PublicTaskStatus)) {
      throw DomainError.invalid('filter.status', `filter.status must be one of ${TASK_STATUSES.join(', ')}.`);
    }
    query.status = status as PublicTaskStatus;
  }
  const model = one(raw['filter.model']);
  if (model !== undefined && model !== '') {
    const stable = typeof model === 'string' ? stableNameOf(model) : undefined;
    if (!stable) throw DomainError.invalid('filter.model', `filter.model \`${String(model)}\` is not a model name; use a stable name such as dreamina-seedance-2-0.`);
    query.model = stable;
  }
  const ids = raw['filter.task_ids'];
  if (ids !== undefined) {
    const list = (Array.isArray(ids) ? ids : [ids]).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
    if (list.length > MAX_PAGE_SIZE) throw DomainError.invalid('filter.task_ids', `at most ${MAX_PAGE_SIZE} task ids.`);
    if (list.length > 0) query.taskIds = [...new Set(list)];
  }
  return query;
}
