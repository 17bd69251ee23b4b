import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ArkDataClient, ArkTask } from '@arkgate/byteplus';
import { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../common/http/request-context';
import { systemContext } from '../common/http/request-context';
import { ShutdownState } from '../common/lifecycle/shutdown-state';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/unique-violation';
import { UnitOfWork } from '../database/unit-of-work';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { MatchCandidate, MatchDecision, matchRecords, MatchRecord, MatchWindow, windowEnd, windowStart } from './reconcile-matching';
import { TaskEntity } from './task.entity';
import { TaskCrossTenantReader } from './task-cross-tenant.reader';
import { TaskRepository } from './task.repository';
import { TaskSyncService } from './task-sync.service';

/** Most records one round claims. */
const BATCH = 100;
/** Upstream list pages are at most this long. */
const PAGE_SIZE = 500;
/** Pages one listing reads at most (newest first, so this reaches back 10,000 tasks of one model). */
const MAX_PAGES = 20;

export type ReconcileOutcome = { kind: 'attached'; taskId: string } | { kind: 'rejected' } | { kind: 'unresolved'; reason: string | null };

/**
 * Resolves creates whose upstream outcome is unknown (docs/contract.md §9): the request itself for a few seconds (inline),
 * then a background job on every instance. Each round leases due `unknown` records and `submitting` records of a
 * crashed instance (never one another instance holds; SKIP LOCKED on PostgreSQL), lists the upstream tasks of their
 * windows, and applies the matching rule: a task found is attached through the one sync path (so a success is
 * charged exactly once) with an audit event `task.recovered`; a task never made releases the reservation and the
 * Idempotency-Key; anything ambiguous waits, and past ARKGATE_RECONCILE_DEADLINE_S is rejected and flagged.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Reconciler.name);
  readonly owner = `reconcile-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private timer?: NodeJS.Timeout;
  private current?: Promise<unknown>;
  private stopped = true;

  constructor(
    private readonly tasks: TaskRepository,
    private readonly crossTenant: TaskCrossTenantReader,
    private readonly sync: TaskSyncService,
    private readonly ark: ArkDataClient,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyKeyRepository,
    private readonly state: ShutdownState,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.reconcile.enabled) return;
    this.stopped = false;
    this.state.onBegin(() => this.stopTimer());
    this.schedule(0);
  }

  /**
   * Stops the timer, waits for the round in progress and gives back every lease this instance holds — before the
   * database closes (TypeORM closes it in onApplicationShutdown).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopTimer();
    await this.current?.catch(() => undefined);
    await this.crossTenant.releaseReconcileLeases(this.owner).catch((err: Error) => this.logger.warn(`releasing reconcile leases failed: ${err.message}`));
  }

  get window(): MatchWindow {
    return { timeoutMs: this.config.ark.timeoutMs, graceMs: this.config.reconcile.graceMs };
  }

  /** How long a reconciliation lease lasts: longer than any round (a listing of several pages). */
  private get leaseMs(): number {
    return Math.max(this.config.sync.leaseMs, this.config.ark.timeoutMs * (MAX_PAGES + 2));
  }

  /** One round. Returns how many records it claimed. */
  async runOnce(now = Date.now()): Promise<number> {
    if (this.state.draining) return 0;
    const staleBefore = now - (this.config.ark.timeoutMs + this.config.reconcile.graceMs);
    const claimed = await this.crossTenant.claimForReconcile(this.owner, now, now + this.leaseMs, staleBefore, BATCH);
    if (claimed.length === 0) return 0;
    const ctx = systemContext();
    const decisions = await this.decide(claimed, ctx);
    for (const row of claimed) {
      try {
        await this.settle(row, decisions.get(row.id) ?? { decision: { kind: 'pending' } }, ctx);
      } catch (err) {
        this.logger.error(`reconciling record ${row.id} failed: ${(err as Error).message}`);
        await this.tasks
          .deferReconcile(row.tenantId, row.id, this.owner, Date.now() + this.config.reconcile.intervalMs, row.reconcileReason ?? null)
          .catch(() => undefined);
      }
    }
    return claimed.length;
  }

  /**
   * The request's own attempt (inline): looks for the record's upstream task until `until`, attaching it when the
   * rule finds it. The caller holds the record (its lease); nothing is rejected or flagged here.
   */
  async resolveInline(row: TaskEntity, ctx: RequestContext, until: number): Promise<string | null> {
    for (;;) {
      const decided = (await this.decide([row], ctx)).get(row.id);
      if (decided?.decision.kind === 'attach' && decided.task) {
        if (await this.attach(row, decided.task, ctx, 'inline')) return decided.task.id;
        const fresh = await this.tasks.reload(row.tenantId, row.id);
        if (fresh?.taskId && fresh.status !== 'unknown') return fresh.taskId;
      }
      const pause = Math.min(500, Math.max(100, this.config.reconcile.inlineMs / 10));
      if (Date.now() + pause >= until) return null;
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  /** Gives a record held by a request back to the background job, due at once. */
  async handOver(row: TaskEntity, holder: string): Promise<void> {
    await this.tasks.deferReconcile(row.tenantId, row.id, holder, Date.now(), null);
  }

  private async settle(row: TaskEntity, d: { decision: MatchDecision; task?: ArkTask }, ctx: RequestContext): Promise<void> {
    const now = Date.now();
    if (d.decision.kind === 'attach' && d.task) {
      if (await this.attach(row, d.task, ctx, 'reconciler')) return;
    }
    if (d.decision.kind === 'not_found') {
      await this.reject(row, 'upstream_task_not_found', null, ctx);
      return;
    }
    let reason = d.decision.kind === 'ambiguous' ? 'ambiguous' : (row.reconcileReason ?? null);
    if (now > row.createdAt + this.config.reconcile.deadlineMs) {
      if (!row.taskId) {
        this.logger.error(`record ${row.id} of tenant ${row.tenantId} is still unresolved at its deadline: rejected, flagged for the operator`);
        await this.reject(row, 'unresolved_at_deadline', reason ?? 'deadline', ctx);
        return;
      }
      // Its upstream id is known (the answer could not be recorded): never given up on, only flagged.
      reason ??= 'deadline';
    }
    if (reason === 'ambiguous' && row.reconcileReason !== 'ambiguous') {
      this.logger.warn(`record ${row.id} of tenant ${row.tenantId} could be one of several upstream tasks another tenant could own; left for the operator`);
    }
    await this.tasks.deferReconcile(row.tenantId, row.id, this.owner, now + this.config.reconcile.intervalMs, reason);
  }

  /** Attaches `task` to the record (if it is still waiting and the task still unowned), then brings it in step. */
  async attach(row: TaskEntity, task: ArkTask, ctx: RequestContext, resolvedBy: 'inline' | 'reconciler'): Promise<boolean> {
    let attached: boolean;
    try {
      attached = await this.uow.transaction(async (m) => {
        if (!(await this.tasks.using(m).markAccepted(row.tenantId, row.id, task.id, Date.now()))) return false;
        await this.audit.record(m, {
          action: 'task.recovered',
          ctx,
          tenantId: row.tenantId,
          targetId: task.id,
          outcome: { status: 200 },
          properties: { record_id: row.id, upstream_task_id: task.id, request_id: row.requestId, resolved_by: resolvedBy },
        });
        return true;
      });
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    if (!attached) return false;
    this.logger.log(`record ${row.id} of tenant ${row.tenantId} recovered as upstream task ${task.id} (${resolvedBy})`);
    const fresh = await this.tasks.reload(row.tenantId, row.id);
    if (fresh) await this.sync.apply(fresh, task);
    return true;
  }

  private async reject(row: TaskEntity, errorCode: string, reason: string | null, ctx: RequestContext): Promise<void> {
    await this.uow.transaction(async (m) => {
      if (!(await this.tasks.using(m).markRejected(row.tenantId, row.id, errorCode, reason))) return;
      await this.idempotency.using(m).releaseForTask(row.tenantId, row.id);
      await this.audit.record(m, {
        action: 'task.unrecovered',
        ctx,
        tenantId: row.tenantId,
        targetId: null,
        outcome: { status: 200, errorCode },
        properties: { record_id: row.id, request_id: row.requestId, reason: reason ?? 'never_made' },
      });
    });
  }

  /**
   * The decision for each of `claimed`: records that already know their upstream id are read directly; the others
   * are matched, per upstream model, against one listing of their windows and every other open record that could
   * own the same tasks.
   */
  private async decide(claimed: TaskEntity[], ctx: RequestContext): Promise<Map<string, { decision: MatchDecision; task?: ArkTask }>> {
    const out = new Map<string, { decision: MatchDecision; task?: ArkTask }>();
    const w = this.window;
    for (const row of claimed.filter((r) => r.taskId)) {
      try {
        const task = await this.ark.getTask(row.taskId as string, { requestId: ctx.requestId });
        out.set(row.id, { decision: { kind: 'attach', taskId: task.id }, task });
      } catch (err) {
        this.logger.warn(`reading upstream task ${row.taskId} of record ${row.id} failed: ${(err as Error).message}`);
      }
    }
    const byModel = new Map<string, TaskEntity[]>();
    for (const row of claimed.filter((r) => !r.taskId)) byModel.set(row.upstreamModel, [...(byModel.get(row.upstreamModel) ?? []), row]);
    for (const [model, rows] of byModel) {
      const from = Math.min(...rows.map((r) => windowStart(r.createdAt))) - 1000;
      const to = Math.max(...rows.map((r) => windowEnd(r.createdAt, w)));
      const listedAt = Date.now();
      let listed: ArkTask[];
      let complete: boolean;
      try {
        ({ tasks: listed, complete } = await this.listWindow(model, from, to, ctx));
      } catch (err) {
        this.logger.warn(`listing upstream tasks of ${model} failed; ${rows.length} record(s) stay unresolved: ${(err as Error).message}`);
        continue;
      }
      const owned = await this.crossTenant.ownedTaskIds(listed.map((t) => t.id));
      const candidates = listed.filter((t) => !owned.has(t.id));
      const claimedIds = new Set(rows.map((r) => r.id));
      const span = w.timeoutMs + 2 * w.graceMs + 6000;
      const open = (await this.crossTenant.openRecords(model, from - span, to + span)).filter((r) => !r.taskId);
      for (const r of rows) if (!open.some((o) => o.id === r.id)) open.push(r);
      const staleBefore = listedAt - (this.config.ark.timeoutMs + this.config.reconcile.graceMs);
      const records: MatchRecord[] = open.map((r) => ({
        id: r.id,
        tenantId: r.tenantId,
        createdAt: r.createdAt,
        upstreamModel: r.upstreamModel,
        hasVideoInput: r.hasVideoInput,
        upstreamRequest: r.upstreamRequest,
        claimed: claimedIds.has(r.id),
        inFlight: r.status === 'submitting' && r.createdAt >= staleBefore,
      }));
      const byId = new Map(candidates.map((t) => [t.id, t]));
      for (const [id, decision] of matchRecords(records, candidates as MatchCandidate[], listedAt, w)) {
        if (!claimedIds.has(id)) continue;
        // A listing cut short at MAX_PAGES proves nothing was never made.
        if (decision.kind === 'not_found' && !complete) continue;
        out.set(id, { decision, task: decision.kind === 'attach' ? byId.get(decision.taskId) : undefined });
      }
    }
    return out;
  }

  /** Upstream tasks of one model created in [from, to], read newest first until a page is entirely older. */
  private async listWindow(model: string, from: number, to: number, ctx: RequestContext): Promise<{ tasks: ArkTask[]; complete: boolean }> {
    const found: ArkTask[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { items } = await this.ark.listTasks({ model, page_num: page, page_size: PAGE_SIZE }, { requestId: ctx.requestId });
      for (const t of items) {
        const at = (t.created_at ?? 0) * 1000;
        if (at >= from && at <= to) found.push(t);
      }
      if (items.length < PAGE_SIZE || items.every((t) => (t.created_at ?? 0) * 1000 < from)) return { tasks: found, complete: true };
    }
    return { tasks: found, complete: false };
  }

  private schedule(ms: number): void {
    if (this.stopped || this.state.draining) return;
    this.timer = setTimeout(() => {
      this.current = this.runOnce()
        .catch((err) => {
          this.logger.error(`reconcile round failed: ${(err as Error).message}`);
          return 0;
        })
        .then((handled) => this.schedule(handled >= BATCH ? 0 : this.config.reconcile.intervalMs));
    }, ms);
  }

  private stopTimer(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
