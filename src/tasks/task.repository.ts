import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, FindOptionsWhere, In, IsNull, Not, Repository } from 'typeorm';
import { claimLeased } from '../database/lease-claim';
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
    return this.findOne(tenantId, { taskId, hiddenAt: IsNull(), status: In([...VISIBLE_STATUSES]) });
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

  /**
   * The upstream answered (or reconciliation found) `taskId` for this record: it becomes the tenant's queued task,
   * due for a sync at once. Only a record still waiting for its outcome is changed, and only with no other upstream
   * id; the unique `task_id` makes a second attachment of one upstream task impossible. Returns whether it changed.
   */
  async markAccepted(tenantId: string, id: string, taskId: string, nextSyncAt: number): Promise<boolean> {
    assertTenantId(tenantId);
    const result = await this.write(() =>
      this.repo
        .createQueryBuilder()
        .update(TaskEntity)
        .set({ taskId, status: 'queued', updatedAt: Date.now(), nextSyncAt, leaseOwner: null, leaseUntil: null, reconcileReason: null })
        .where('tenant_id = :tenantId AND id = :id', { tenantId, id })
        .andWhere("status IN ('submitting', 'unknown')")
        .andWhere('(task_id IS NULL OR task_id = :taskId)', { taskId })
        .execute(),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Refused upstream, or never made: no reservation any more. Only a record still waiting for its outcome is changed. */
  async markRejected(tenantId: string, id: string, errorCode: string, reconcileReason: string | null = null): Promise<boolean> {
    const now = Date.now();
    const patch: Partial<TaskEntity> = { status: 'rejected', errorCode, updatedAt: now, finishedAt: now, reservedNano: '0', nextSyncAt: null, leaseOwner: null, leaseUntil: null, reconcileReason };
    return (await this.update(tenantId, { id, status: In(['submitting', 'unknown']), taskId: IsNull() }, patch)) > 0;
  }

  /**
   * No usable answer: the record waits for reconciliation, held by `leaseOwner` until `leaseUntil` (the request that
   * resolves it inline) and due for the reconciler at `dueAt`. `taskId` when the upstream did answer an id that could
   * not be recorded as accepted.
   */
  async markUnknown(tenantId: string, id: string, p: { errorCode: string; taskId?: string; leaseOwner: string | null; leaseUntil: number | null; dueAt: number }): Promise<boolean> {
    const patch: Partial<TaskEntity> = { status: 'unknown', errorCode: p.errorCode, updatedAt: Date.now(), nextSyncAt: p.dueAt, leaseOwner: p.leaseOwner, leaseUntil: p.leaseUntil };
    if (p.taskId) patch.taskId = p.taskId;
    return (await this.update(tenantId, { id, status: In(['submitting', 'unknown']) }, patch)) > 0;
  }

  /** Ends a reconciliation lease of a record that stays unresolved, saying when to look again and why (if the operator should). */
  async deferReconcile(tenantId: string, id: string, owner: string, dueAt: number, reconcileReason: string | null): Promise<void> {
    await this.update(tenantId, { id, leaseOwner: owner, status: In(['submitting', 'unknown']) }, { status: 'unknown', nextSyncAt: dueAt, leaseOwner: null, leaseUntil: null, reconcileReason });
  }

  /**
   * Reconciliation, across tenants: leases up to `limit` records whose outcome is unknown and due, or still
   * `submitting` although created before `staleBefore` (their instance crashed). Never one another live instance holds.
   */
  async claimForReconcileAcrossTenants(owner: string, now: number, leaseUntil: number, staleBefore: number, limit: number): Promise<TaskEntity[]> {
    const rows = await claimLeased(this.repo, (work) => this.write(work), {
      owner,
      now,
      leaseUntil,
      limit,
      due: "((d.status = 'unknown' AND d.next_sync_at <= :now) OR (d.status = 'submitting' AND d.created_at < :staleBefore))",
      params: { staleBefore },
      orderBy: 'd.created_at',
      stillDue: "status IN ('submitting', 'unknown')",
    });
    return rows.filter((row) => row.status === 'submitting' || row.status === 'unknown');
  }

  /** Shutdown: gives back every reconciliation lease `owner` holds, so another instance takes the records at once. */
  async releaseReconcileLeasesAcrossTenants(owner: string): Promise<void> {
    await this.write(() => this.repo.update({ leaseOwner: owner, status: In(['submitting', 'unknown']) }, { leaseOwner: null, leaseUntil: null }));
  }

  /** Reconciliation, across tenants: every record still waiting for its outcome, of one upstream model, created in [from, to]. */
  openRecordsAcrossTenants(upstreamModel: string, from: number, to: number): Promise<TaskEntity[]> {
    return this.repo.find({ where: { upstreamModel, status: In(['submitting', 'unknown']), createdAt: Between(from, to) } });
  }

  /** Reconciliation, across tenants: which of these upstream ids a record already owns. */
  async ownedTaskIdsAcrossTenants(taskIds: string[]): Promise<Set<string>> {
    const owned = new Set<string>();
    for (let i = 0; i < taskIds.length; i += 500) {
      const rows = await this.repo.find({ select: { taskId: true }, where: { taskId: In(taskIds.slice(i, i + 500)) } });
      for (const r of rows) owned.add(r.taskId as string);
    }
    return owned;
  }

  /**
   * The operator's view, across tenants: records created since `since` whose outcome is unknown, still `submitting`
   * although created before `staleBefore`, or rejected by reconciliation with a reason the operator should see.
   */
  async unresolvedAcrossTenants(since: number, staleBefore: number, limit: number): Promise<TaskEntity[]> {
    // Two range scans (idx_tasks_status_sync and idx_tasks_reconcile_reason) rather than one over 7 days of tasks.
    const waiting = await this.repo
      .createQueryBuilder('t')
      .where("(t.status = 'unknown' OR (t.status = 'submitting' AND t.created_at < :staleBefore))", { staleBefore })
      .andWhere('t.created_at >= :since', { since })
      .orderBy('t.created_at', 'DESC')
      .take(limit)
      .getMany();
    const flagged = await this.repo
      .createQueryBuilder('t')
      .where('t.reconcile_reason IS NOT NULL')
      .andWhere("t.status = 'rejected'")
      .andWhere('t.created_at >= :since', { since })
      .orderBy('t.created_at', 'DESC')
      .take(limit)
      .getMany();
    return [...waiting, ...flagged].sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
  }

  /** Records per status across all tenants, for the `arkgate_tasks` gauge (a scan of idx_tasks_status_sync). */
  async countByStatusAcrossTenants(): Promise<Map<string, number>> {
    const rows: { status: string; n: string | number }[] = await this.repo
      .createQueryBuilder('t')
      .select('t.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .groupBy('t.status')
      .getRawMany();
    return new Map(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** Records given up on and flagged for the operator, across all tenants (idx_tasks_reconcile_reason). */
  async countFlaggedAcrossTenants(): Promise<number> {
    return this.repo.createQueryBuilder('t').where('t.reconcile_reason IS NOT NULL').andWhere("t.status = 'rejected'").getCount();
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
    return claimLeased(this.repo, (work) => this.write(work), {
      owner,
      now,
      leaseUntil,
      limit,
      due: "d.status IN ('queued', 'running') AND d.task_id IS NOT NULL AND d.next_sync_at <= :now",
      orderBy: 'd.next_sync_at',
    });
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

  /**
   * Admin task log, across tenants: one page newest first after `before` (keyset on (created_at, id), so
   * each page is a range scan of idx_tasks_created_id or, filtered, of the tenant/status/model indexes).
   */
  async pageAcrossTenants(
    filter: { from?: number; to?: number; tenantId?: string; status?: string; model?: string },
    before: { createdAt: number; id: string } | null,
    limit: number,
  ): Promise<TaskEntity[]> {
    return this.pageAcrossTenantsQuery(filter, before, limit).getMany();
  }

  /** The query of one task log page (exposed so a test can ask the database for its plan). */
  pageAcrossTenantsQuery(
    filter: { from?: number; to?: number; tenantId?: string; status?: string; model?: string },
    before: { createdAt: number; id: string } | null,
    limit: number,
  ) {
    const qb = this.repo.createQueryBuilder('t').orderBy('t.created_at', 'DESC').addOrderBy('t.id', 'DESC').take(limit);
    if (filter.from !== undefined) qb.andWhere('t.created_at >= :from', { from: filter.from });
    if (filter.to !== undefined) qb.andWhere('t.created_at < :to', { to: filter.to });
    if (filter.tenantId) qb.andWhere('t.tenant_id = :tenantId', { tenantId: filter.tenantId });
    if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
    if (filter.model) qb.andWhere('t.model = :model', { model: filter.model });
    if (before) qb.andWhere('(t.created_at, t.id) < (:bc, :bid)', { bc: before.createdAt, bid: before.id });
    return qb;
  }

  /** Admin task detail, across tenants: a record by arkgate's id or by its upstream task id. */
  async findAcrossTenants(id: string): Promise<TaskEntity | null> {
    return (await this.repo.findOne({ where: { taskId: id } })) ?? (id.length <= 36 ? await this.repo.findOne({ where: { id } }) : null);
  }

  /** Shutdown, across tenants: ends every lease `owner` holds (their tasks stay due), so another instance takes them at once. */
  async releaseLeasesOfOwnerAcrossTenants(owner: string): Promise<number> {
    const result = await this.write(() =>
      this.repo.createQueryBuilder().update(TaskEntity).set({ leaseOwner: null, leaseUntil: null }).where('lease_owner = :owner', { owner }).execute(),
    );
    return result.affected ?? 0;
  }
}
