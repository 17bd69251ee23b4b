import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, In, IsNull, Not, Repository } from 'typeorm';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';
import type { ListTasksQuery } from './dto/list-tasks.query';
import { TaskEntity, TERMINAL_STATUSES } from './task.entity';

/** Task records, always read and written within one tenant. */
@Injectable()
export class TaskRepository extends TenantScopedRepository<TaskEntity> {
  constructor(@InjectRepository(TaskEntity) repo: Repository<TaskEntity>) {
    super(repo);
  }

  /** A task the tenant can see: its own, accepted upstream, not hidden by a delete. */
  async findVisible(tenantId: string, taskId: string): Promise<TaskEntity | null> {
    return this.findOne(tenantId, { taskId, hiddenAt: IsNull() });
  }

  /** The tenant's visible tasks, newest first. */
  async listVisible(tenantId: string, q: ListTasksQuery): Promise<[TaskEntity[], number]> {
    const where: FindOptionsWhere<TaskEntity> = { hiddenAt: IsNull(), taskId: q.taskIds ? In(q.taskIds) : Not(IsNull()) };
    if (q.status) where.status = q.status;
    if (q.model) where.model = q.model;
    return this.findAndCount(tenantId, where, {
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (q.pageNum - 1) * q.pageSize,
      take: q.pageSize,
    });
  }

  /** Records a create before the upstream is called, so no accepted task can go unrecorded. */
  insertSubmitting(tenantId: string, row: Omit<TaskEntity, 'tenantId'>): Promise<TaskEntity> {
    return this.insert(tenantId, row);
  }

  async markAccepted(tenantId: string, id: string, taskId: string, nextSyncAt: number): Promise<void> {
    await this.update(tenantId, { id }, { taskId, status: 'queued', updatedAt: Date.now(), nextSyncAt });
  }

  async markRejected(tenantId: string, id: string, errorCode: string): Promise<void> {
    const now = Date.now();
    await this.update(tenantId, { id, status: 'submitting' }, { status: 'rejected', errorCode, updatedAt: now, finishedAt: now });
  }

  /**
   * Moves a task to what upstream reported, unless it is already terminal (another GET, the poller or
   * another instance got there first). Returns whether this call made the change.
   */
  async applyUpstreamState(tenantId: string, id: string, patch: Partial<TaskEntity>): Promise<boolean> {
    const affected = await this.update(tenantId, { id, status: Not(In([...TERMINAL_STATUSES])) }, patch);
    return affected > 0;
  }

  async hide(tenantId: string, id: string): Promise<void> {
    await this.update(tenantId, { id, hiddenAt: IsNull() }, { hiddenAt: Date.now() });
  }

  reload(tenantId: string, id: string): Promise<TaskEntity | null> {
    return this.findOne(tenantId, { id });
  }
}
