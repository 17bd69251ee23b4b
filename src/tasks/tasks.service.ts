import { Injectable, Logger } from '@nestjs/common';
import { ArkApiError, ArkDataClient } from '@arkgate/byteplus';
import { DomainError } from '../common/errors/domain-error';
import type { RequestContext } from '../common/http/request-context';
import { UnitOfWork } from '../database/unit-of-work';
import { AuditService } from '../audit/audit.service';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { parseListQuery } from './dto/list-tasks.query';
import { presentTask } from './dto/task.presenter';
import { TaskEntity, VISIBLE_STATUSES } from './task.entity';
import { TaskRepository } from './task.repository';
import { FinishedTaskCache } from './finished-task-cache';
import { isTerminal, TaskSyncService } from './task-sync.service';

/** Seed §8: the body of a refused delete of a running task. */
const RUNNING_DELETE_MESSAGE = 'Cannot delete task because it is currently running.';

/** The BytePlus-native tasks API of one tenant: get, list, delete (a create is TaskCreation's). */
@Injectable()
export class TasksService {
  private readonly logger = new Logger(TasksService.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly sync: TaskSyncService,
    private readonly ark: ArkDataClient,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly finished: FinishedTaskCache,
  ) {}

  /** The upstream id of this tenant's task record `recordId` once it is a task (accepted and recorded); null before or when refused. */
  async upstreamIdOfRecord(tenant: TenantContext, recordId: string): Promise<string | null> {
    const row = await this.tasks.reload(tenant.id, recordId);
    return row && row.taskId && VISIBLE_STATUSES.includes(row.status) ? row.taskId : null;
  }

  /** The record id of this tenant's visible task `taskId` (null when it has none). */
  async recordIdOfTask(tenant: TenantContext, taskId: string): Promise<string | null> {
    return (await this.tasks.findVisible(tenant.id, taskId))?.id ?? null;
  }

  /**
   * A task of this tenant; a non-terminal one is refreshed from upstream first. A finished one is answered from
   * FinishedTaskCache while it is held there (the same object to every caller: read it, never change it).
   */
  async get(tenant: TenantContext, taskId: string, ctx: RequestContext): Promise<Readonly<Record<string, unknown>>> {
    const held = this.finished.get(tenant.id, taskId);
    if (held) return held;
    const startedAt = this.finished.readStarted();
    let row = await this.visibleOrThrow(tenant, taskId);
    if (!isTerminal(row.status)) {
      try {
        row = await this.sync.refresh(row, { requestId: ctx.requestId });
      } catch (err) {
        this.logger.warn(`[${ctx.requestId}] refresh of ${taskId} failed, serving the stored state: ${(err as Error).message}`);
      }
    }
    const task = presentTask(row);
    if (isTerminal(row.status)) this.finished.put(tenant.id, taskId, task, startedAt);
    return task;
  }

  async list(tenant: TenantContext, rawQuery: Record<string, unknown>): Promise<{ items: Record<string, unknown>[]; total: number }> {
    const query = parseListQuery(rawQuery);
    const [rows, total] = await this.tasks.listVisible(tenant.id, query);
    return { items: rows.map(presentTask), total };
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
      await this.audit.record(m, {
        action: 'task.delete',
        ctx,
        targetId: taskId,
        outcome: { status: 200 },
        properties: { effect: 'hidden', status: row.status },
      });
    });
    this.finished.forget(tenant.id, taskId);
    return {};
  }

  private async visibleOrThrow(tenant: TenantContext, taskId: string): Promise<TaskEntity> {
    const row = await this.tasks.findVisible(tenant.id, taskId);
    if (!row) throw new DomainError('task_not_found', `Task \`${taskId}\` does not exist or does not belong to this account.`, 'task_id');
    return row;
  }
}
