import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, In, IsNull, Not, Repository } from 'typeorm';
import { assertTenantId, TenantScopedRepository } from '../tenancy/tenant-scoped.repository';
import type { ListTasksQuery } from './dto/list-tasks.query';
import { TaskEntity, TERMINAL_STATUSES, VISIBLE_STATUSES } from './task.entity';

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
    // Only accepted tasks have an upstream id; their statuses say so, which keeps the listing index usable.
    const where: FindOptionsWhere<TaskEntity> = { hiddenAt: IsNull(), status: q.status ?? In([...VISIBLE_STATUSES]) };
    if (q.taskIds) where.taskId = In(q.taskIds);
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
    await this.update(tenantId, { id, status: 'submitting' }, { status: 'rejected', errorCode, updatedAt: now, finishedAt: now, reservedNano: '0' });
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

  /** What the tenant's in-flight tasks hold against its spend limit (nano-USD). */
  async reservedNano(tenantId: string): Promise<bigint> {
    assertTenantId(tenantId);
    const row = await this.repo
      .createQueryBuilder('t')
      .select('CAST(COALESCE(SUM(t.reserved_nano), 0) AS TEXT)', 'total')
      .where('t.tenant_id = :tenantId', { tenantId })
      .getRawOne<{ total: string }>();
    return BigInt(row?.total ?? '0');
  }

  /**
   * Background sync, across tenants: leases up to `limit` unfinished tasks that are due, for `owner`
   * until `leaseUntil`. A task leased by another live instance is never taken; an expired lease is.
   * Every later read or write of a claimed task goes through the tenant-scoped methods with its tenant.
   */
  async claimDueForSync(owner: string, now: number, leaseUntil: number, limit: number): Promise<TaskEntity[]> {
    if (limit <= 0) return [];
    const postgres = this.repo.manager.connection.options.type === 'postgres';
    const due = this.repo
      .createQueryBuilder('d')
      .select('d.id')
      .where("d.status IN ('queued', 'running')")
      .andWhere('d.task_id IS NOT NULL')
      .andWhere('d.next_sync_at <= :now')
      .andWhere('(d.lease_until IS NULL OR d.lease_until < :now)')
      .orderBy('d.next_sync_at', 'ASC')
      .limit(limit);
    if (postgres) due.setLock('pessimistic_write').setOnLocked('skip_locked');
    await this.write(() =>
      this.repo
      .createQueryBuilder()
      .update(TaskEntity)
      .set({ leaseOwner: owner, leaseUntil })
      .where(`id IN (${due.getQuery()})`)
      .andWhere('(lease_until IS NULL OR lease_until < :now)')
      .setParameters({ now, ...due.getParameters() })
      .execute(),
    );
    return this.repo.find({ where: { leaseOwner: owner, leaseUntil } });
  }

  /**
   * Auditor export, across tenants: one page of task records in creation order after `after`
   * (keyset pagination, so memory stays flat however many there are).
   */
  async exportPage(
    filter: { from?: number; to?: number; tenantId?: string; status?: string; model?: string },
    after: { createdAt: number; id: string } | null,
    limit: number,
  ): Promise<TaskEntity[]> {
    const qb = this.repo.createQueryBuilder('t').orderBy('t.created_at', 'ASC').addOrderBy('t.id', 'ASC').take(limit);
    if (filter.from !== undefined) qb.andWhere('t.created_at >= :from', { from: filter.from });
    if (filter.to !== undefined) qb.andWhere('t.created_at < :to', { to: filter.to });
    if (filter.tenantId) qb.andWhere('t.tenant_id = :tenantId', { tenantId: filter.tenantId });
    if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
    if (filter.model) qb.andWhere('t.model = :model', { model: filter.model });
    // A row-value comparison, so both engines answer with a range scan of idx_tasks_created_id.
    if (after) qb.andWhere('(t.created_at, t.id) > (:ac, :aid)', { ac: after.createdAt, aid: after.id });
    return qb.getMany();
  }

  /** How many unfinished tasks are due for a sync and not leased (across tenants; cheap, by index). */
  async countDueForSync(now: number): Promise<number> {
    return this.repo
      .createQueryBuilder('d')
      .where("d.status IN ('queued', 'running')")
      .andWhere('d.next_sync_at <= :now', { now })
      .andWhere('(d.lease_until IS NULL OR d.lease_until < :now)', { now })
      .getCount();
  }

  /** Ends a lease and says when to look again (null: never, the task is finished). */
  async releaseLease(tenantId: string, id: string, owner: string, nextSyncAt: number | null, attempts: number): Promise<void> {
    await this.update(tenantId, { id, leaseOwner: owner }, { leaseOwner: null, leaseUntil: null, nextSyncAt, syncAttempts: attempts });
  }

  /** Shutdown, across tenants: ends every lease `owner` holds (their tasks stay due), so another instance takes them at once. */
  async releaseLeasesOfOwnerAcrossTenants(owner: string): Promise<number> {
    const result = await this.write(() =>
      this.repo.createQueryBuilder().update(TaskEntity).set({ leaseOwner: null, leaseUntil: null }).where('lease_owner = :owner', { owner }).execute(),
    );
    return result.affected ?? 0;
  }
}
