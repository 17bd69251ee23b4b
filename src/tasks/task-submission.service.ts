import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ArkApiError, ArkDataClient, ArkUnavailableError } from '@arkgate/byteplus';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { BillingService } from '../billing/billing.service';
import { DomainError } from '../common/errors/domain-error';
import type { RequestContext } from '../common/http/request-context';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { TenancyService } from '../tenancy/tenancy.service';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import type { IdempotencyKey } from './dto/create-task.request';
import { IdempotentCreate } from './idempotent-create.service';
import { Reconciler } from './reconciler.service';
import { TaskEntity } from './task.entity';
import { TaskRepository } from './task.repository';

/** Pauses before the retries of recording an accepted task (the upstream id is known and must not be lost). */
const RECORD_RETRY_MS = [100, 300, 900];

/** A validated create, ready to be recorded and sent (everything TaskCreation.create computes first). */
export interface PreparedCreate {
  draft: Omit<TaskEntity, 'tenantId'>;
  estimate: bigint;
  key?: IdempotencyKey;
  /** What the `task.create` audit event says about the request. */
  auditProperties: Record<string, unknown>;
  /** The body sent upstream when the stored `draft.upstreamRequest` is a compacted snapshot of it (large inline media). */
  upstreamBody?: Record<string, unknown>;
}

/** How an upstream create ended (docs/contract.md §9). */
export type CreateOutcome = 'accepted' | 'refused' | 'unknown';

/**
 * Accepted needs an id; definitely refused is an upstream 4xx or a failure before any byte was sent; everything
 * else (5xx, reset, timeout, a success whose body is unusable) may have made a task upstream.
 */
export function classifyCreateFailure(err: unknown): Exclude<CreateOutcome, 'accepted'> {
  if (err instanceof ArkApiError && err.status >= 400 && err.status < 500) return 'refused';
  if (err instanceof ArkUnavailableError && !err.requestSent) return 'refused';
  return 'unknown';
}

/**
 * Submits one create upstream with three outcomes (docs/contract.md §9). The record and its spend reservation exist before
 * the call; an id → `queued`; a definite refusal → `rejected`, reservation and Idempotency-Key released, the upstream
 * error answered as it came; anything else → `unknown`: the request looks for the task upstream for up to
 * ARKGATE_RECONCILE_INLINE_MS, then answers 502 saying a retry with the same key is safe, and the reconciler carries on.
 */
@Injectable()
export class TaskSubmission {
  private readonly logger = new Logger(TaskSubmission.name);
  private readonly holder = `inline-${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly tasks: TaskRepository,
    private readonly ark: ArkDataClient,
    private readonly uow: UnitOfWork,
    private readonly billing: BillingService,
    private readonly tenancy: TenancyService,
    private readonly idempotent: IdempotentCreate,
    private readonly reconciler: Reconciler,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Records the task (or, for a repeated Idempotency-Key, answers with the first request's task), then submits it. */
  async create(tenant: TenantContext, p: PreparedCreate, ctx: RequestContext): Promise<{ id: string }> {
    if (!p.key) {
      // Without a key and a spend limit, nothing is read before the record: one statement, its own commit.
      const row = await this.tasks.insertSubmittingWhere(tenant.id, this.stamped(p), TenancyService.hasNoSpendLimit(tenant.id));
      if (row) return this.submit(tenant, row, p, ctx);
    }
    const claim = await this.idempotent.claim(tenant, p.key, ctx, (m) => this.record(m, tenant, p));
    return 'answer' in claim ? claim.answer : this.submit(tenant, claim.fresh, p, ctx);
  }

  private stamped(p: PreparedCreate): Omit<TaskEntity, 'tenantId'> {
    const now = Date.now();
    return { ...p.draft, createdAt: now, updatedAt: now };
  }

  private async submit(tenant: TenantContext, row: TaskEntity, p: PreparedCreate, ctx: RequestContext): Promise<{ id: string }> {
    const audited = { action: 'task.create', ctx, properties: p.auditProperties };
    let id: string;
    try {
      ({ id } = await this.ark.createTask(p.upstreamBody ?? row.upstreamRequest, { requestId: ctx.requestId }));
    } catch (err) {
      if (classifyCreateFailure(err) === 'refused') {
        const status = err instanceof ArkApiError ? err.status : 502;
        const code = err instanceof ArkApiError ? (err.code ?? `http_${err.status}`) : 'upstream_unreachable';
        await this.uow.transaction(async (m) => {
          await this.tasks.using(m).markRejected(tenant.id, row.id, code);
          if (p.key) await this.idempotent.release(m, tenant, p.key, row.id);
          await this.audit.record(m, { ...audited, targetId: null, outcome: { status, errorCode: code } });
        });
        throw err;
      }
      const reason = err instanceof ArkUnavailableError ? err.reason : 'unexpected';
      this.logger.warn(`[${ctx.requestId}] create of record ${row.id} has an unknown outcome (${reason}): ${(err as Error).message}`);
      return this.resolveUnknown(tenant, row, `outcome_unknown_${reason}`, ctx);
    }

    for (let attempt = 0; ; attempt++) {
      try {
        const recorded = await this.uow.transaction(async (m) => {
          if (!(await this.tasks.using(m).markAccepted(tenant.id, row.id, id, Date.now() + this.config.sync.backoffMs[0]))) return false;
          await this.audit.record(m, { ...audited, targetId: id, outcome: { status: 200 } });
          return true;
        });
        if (recorded) return { id };
        return this.resolvedMeanwhile(tenant, row, id, ctx);
      } catch (err) {
        this.logger.error(
          `[${ctx.requestId}] upstream accepted ${id} for record ${row.id} but recording it failed (attempt ${attempt + 1}): ${(err as Error).message}`,
        );
        if (attempt >= RECORD_RETRY_MS.length) break;
        await new Promise((r) => setTimeout(r, RECORD_RETRY_MS[attempt]));
      }
    }
    return this.resolveUnknown(tenant, row, 'accepted_not_recorded', ctx, id);
  }

  /**
   * The record becomes `unknown` (with the upstream id when one was answered), held by this request while it looks
   * for the task; found → 200 with its id; else it is handed to the reconciler and the client told to retry.
   */
  private async resolveUnknown(tenant: TenantContext, row: TaskEntity, errorCode: string, ctx: RequestContext, taskId?: string): Promise<{ id: string }> {
    const now = Date.now();
    const until = now + this.config.reconcile.inlineMs;
    try {
      await this.tasks.markUnknown(tenant.id, row.id, {
        errorCode,
        taskId,
        leaseOwner: this.holder,
        leaseUntil: until + this.config.ark.timeoutMs * 2,
        dueAt: now,
      });
    } catch (err) {
      // The database is failing too: the record stays `submitting` and the reconciler takes it once it is stale.
      this.logger.error(
        `[${ctx.requestId}] record ${row.id} could not be marked unknown${taskId ? ` (upstream id ${taskId})` : ''}: ${(err as Error).message}`,
      );
      throw this.unknownOutcome();
    }
    const held: TaskEntity = { ...row, status: 'unknown', taskId: taskId ?? null };
    let found: string | null = null;
    if (this.config.reconcile.inlineMs > 0) {
      try {
        found = await this.reconciler.resolveInline(held, ctx, until);
      } catch (err) {
        this.logger.warn(`[${ctx.requestId}] inline resolution of record ${row.id} failed: ${(err as Error).message}`);
      }
    }
    if (found) return { id: found };
    await this.reconciler
      .handOver(held, this.holder)
      .catch((err: Error) => this.logger.warn(`[${ctx.requestId}] handing record ${row.id} over failed: ${err.message}`));
    throw this.unknownOutcome();
  }

  /**
   * The answer came so late that reconciliation decided the record first (an instance looked at it as a crashed
   * one's): the record's own outcome stands.
   */
  private async resolvedMeanwhile(tenant: TenantContext, row: TaskEntity, answered: string, ctx: RequestContext): Promise<{ id: string }> {
    const now = await this.tasks.reload(tenant.id, row.id);
    if (now?.taskId && now.status !== 'unknown') {
      if (now.taskId !== answered)
        this.logger.warn(`[${ctx.requestId}] record ${row.id} was reconciled to ${now.taskId} before its answer ${answered} arrived`);
      return { id: now.taskId };
    }
    this.logger.error(
      `[${ctx.requestId}] upstream accepted ${answered} for record ${row.id}, which reconciliation had already closed as ${now?.status ?? 'missing'}`,
    );
    throw this.unknownOutcome();
  }

  private unknownOutcome(): DomainError {
    return new DomainError(
      'upstream_error',
      'The model service gave no usable answer; whether the task was created is being resolved. Retrying with the same Idempotency-Key is safe: it returns the task once found and never creates a second one.',
    );
  }

  /**
   * Inside the claim's transaction: the estimate reserved against the tenant's spend limit (billing decides; the
   * tenant locked, the tasks in flight summed), and the task recorded holding it.
   */
  private async record(m: EntityManager, tenant: TenantContext, p: PreparedCreate): Promise<TaskEntity> {
    await this.billing.reserve(m, tenant.id, p.estimate, {
      lockLimit: () => this.tenancy.lockSpendLimit(m, tenant.id),
      reservedInFlight: () => this.tasks.using(m).reservedNano(tenant.id),
    });
    return this.tasks.using(m).insertSubmitting(tenant.id, this.stamped(p));
  }
}
