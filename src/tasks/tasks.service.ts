import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { createHash, randomUUID } from 'node:crypto';
import { ArkApiError, ArkDataClient } from '@arkgate/byteplus';
import { canonicalJson } from '../common/canonical-json';
import { DomainError } from '../common/errors/domain-error';
import { validateNative } from '../common/http/native-validation';
import type { RequestContext } from '../common/http/request-context';
import { HostResolver } from '../common/net/host-resolver';
import { checkPublicHttpsUrl } from '../common/net/public-url';
import { BillingService } from '../billing/billing.service';
import { formatUsd } from '../billing/money';
import { capabilityViolation, stableNameOf } from '../catalog/catalog-rules';
import { UnitOfWork } from '../database/unit-of-work';
import { AuditService } from '../audit/audit.service';
import { isUniqueViolation } from '../database/unique-violation';
import { TenancyService } from '../tenancy/tenancy.service';
import { CatalogService } from '../catalog/catalog.service';
import type { TenantContext } from '../tenancy/tenant-context';
import { ASSET_REFERENCES, AssetReferences } from './asset-references';
import { CreateTaskDto } from './dto/create-task.dto';
import { DEFAULT_PAGE_SIZE, ListTasksQuery, MAX_PAGE_NUM, MAX_PAGE_SIZE, TASK_STATUSES, PublicTaskStatus } from './dto/list-tasks.query';
import { checkContent } from './task-content.rules';
import { CREATE_TASK_FIELDS, normalizeCreateBody } from './task-request.normalizer';
import { refuseCaseVariants } from '../common/http/case-variant-keys';
import { TaskEntity } from './task.entity';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { TaskRepository } from './task.repository';
import { isTerminal, TaskSyncService } from './task-sync.service';

/** Idempotency keys live this long. */
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
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
    private readonly tenancy: TenancyService,
    private readonly idempotency: IdempotencyKeyRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Validates everything that can be known before money is spent, reserves the task's upper-bound cost
   * against the tenant's spend limit, then submits upstream. With an Idempotency-Key, the same key and
   * body return the first task's id without a second upstream call.
   */
  async create(tenant: TenantContext, rawBody: unknown, ctx: RequestContext, idempotencyKey?: string): Promise<{ id: string }> {
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

    if (tenant.mediaPolicy === 'asset_only' && summary.plainMedia.length > 0) {
      const first = summary.plainMedia[0];
      throw DomainError.invalid(
        first.param,
        `This account accepts media only as asset://<Asset_Id>: upload the ${first.kind} to the asset library and use it once it is Active.`,
      );
    }
    await this.assets.verify(tenant, summary.assets);

    if (body.callback_url !== undefined) {
      const check = await checkPublicHttpsUrl(body.callback_url, this.resolver);
      if (!check.ok) throw DomainError.invalid('callback_url', check.reason);
      body.callback_url = check.url;
    }

    const upstreamRequest: Record<string, unknown> = { ...body, model: upstreamModel };
    const estimate = await this.billing.estimateNano({
      model: model.name,
      resolution: dto.resolution,
      ratio: dto.ratio,
      duration: dto.duration,
      hasVideoInput: summary.hasVideoInput,
    });
    const now = Date.now();
    const draft: Omit<TaskEntity, 'tenantId'> = {
      id: randomUUID(),
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
    const key = idempotencyKey === undefined ? undefined : { key: idempotencyKey, bodySha256: sha256(canonicalJson(rawBody)) };

    const claim = await this.record(tenant, draft, estimate, key);
    if ('existing' in claim) return this.answerForExisting(tenant, claim.existing, rawBody, ctx, idempotencyKey as string);

    const audited = { action: 'task.create', ctx, properties: { model: model.name, upstream_request: upstreamRequest } };
    let id: string;
    try {
      ({ id } = await this.ark.createTask(upstreamRequest, { requestId: ctx.requestId }));
    } catch (err) {
      const status = err instanceof ArkApiError ? err.status : 502;
      const code = err instanceof ArkApiError ? (err.code ?? `http_${err.status}`) : 'upstream_error';
      await this.uow.transaction(async (m) => {
        await this.tasks.using(m).markRejected(tenant.id, draft.id, code);
        if (key) await this.idempotency.using(m).release(tenant.id, key.key, draft.id);
        await this.audit.record(m, { ...audited, targetId: null, outcome: { status, errorCode: code } });
      });
      throw err;
    }
    try {
      await this.uow.transaction(async (m) => {
        await this.tasks.using(m).markAccepted(tenant.id, draft.id, id, Date.now() + this.config.sync.backoffMs[0]);
        await this.audit.record(m, { ...audited, targetId: id, outcome: { status: 200 } });
      });
    } catch (err) {
      this.logger.error(`[${ctx.requestId}] upstream accepted ${id} for record ${draft.id} but recording it failed`);
      throw err;
    }
    return { id };
  }

  /**
   * In one transaction: an existing idempotency key wins; otherwise the spend limit is checked with the
   * tenant locked (so concurrent creates cannot overspend), the task recorded with its reservation, and
   * the key bound to it. A key inserted concurrently by another request is found on the retry.
   */
  private async record(
    tenant: TenantContext,
    draft: Omit<TaskEntity, 'tenantId'>,
    estimate: bigint,
    key: { key: string; bodySha256: string } | undefined,
  ): Promise<{ row: TaskEntity } | { existing: { bodySha256: string; taskRef: string } }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.uow.transaction(async (m) => {
          if (key) {
            const idem = this.idempotency.using(m);
            await idem.forgetExpired(tenant.id, key.key, Date.now() - IDEMPOTENCY_TTL_MS);
            const existing = await idem.findKey(tenant.id, key.key);
            if (existing) return { existing };
          }
          const limit = await this.tenancy.lockSpendLimit(m, tenant.id);
          if (limit !== null) {
            const spent = await this.billing.spentNano(tenant.id, m);
            const reserved = await this.tasks.using(m).reservedNano(tenant.id);
            if (spent + reserved + estimate > limit) {
              throw new DomainError(
                'spend_limit_exceeded',
                `This task could cost up to $${formatUsd(estimate)}, which would pass the account's spend limit of $${formatUsd(limit)} ` +
                  `($${formatUsd(spent)} charged, $${formatUsd(reserved)} reserved by tasks in flight).`,
              );
            }
          }
          const row = await this.tasks.using(m).insertSubmitting(tenant.id, draft);
          if (key) {
            await this.idempotency.using(m).insert(tenant.id, { key: key.key, bodySha256: key.bodySha256, taskRef: draft.id, createdAt: Date.now() });
          }
          return { row };
        });
      } catch (err) {
        if (key && attempt < 3 && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  /** The same key again: the same body gets the first task's id (waiting for it if needed); another body is a conflict. */
  private async answerForExisting(
    tenant: TenantContext,
    existing: { bodySha256: string; taskRef: string },
    rawBody: unknown,
    ctx: RequestContext,
    key: string,
  ): Promise<{ id: string }> {
    if (existing.bodySha256 !== sha256(canonicalJson(rawBody))) {
      throw new DomainError('idempotency_conflict', 'This Idempotency-Key was already used with a different request body.', 'Idempotency-Key');
    }
    const until = Date.now() + this.config.ark.timeoutMs + 5000;
    while (Date.now() < until) {
      const row = await this.tasks.reload(tenant.id, existing.taskRef);
      if (row?.taskId) {
        await this.audit.recordAlone({ action: 'task.create', ctx, targetId: row.taskId, outcome: { status: 200 }, properties: { idempotent_replay: true, idempotency_key: key } });
        return { id: row.taskId };
      }
      if (!row || row.status === 'rejected') return this.create(tenant, rawBody, ctx, key);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new DomainError('idempotency_conflict', 'A request with this Idempotency-Key is still being processed; retry shortly.', 'Idempotency-Key');
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

  /** Every task record matching the filter, page by page, for auditor exports (hidden ones included). */
  async *exportRecords(filter: { from?: number; to?: number; tenantId?: string; status?: string; model?: string }, pageSize = 1000): AsyncGenerator<TaskEntity[]> {
    let after: { createdAt: number; id: string } | null = null;
    for (;;) {
      const page = await this.tasks.exportPage(filter, after, pageSize);
      if (page.length === 0) return;
      yield page;
      const last = page[page.length - 1];
      after = { createdAt: last.createdAt, id: last.id };
      if (page.length < pageSize) return;
    }
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

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
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
