import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository } from 'typeorm';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { placeholdersFor } from '../database/row-reader';
import type { RowChange } from '../database/row-writer';
import { assertTenantId, ScopedWhere, TenantScopedRepository } from '../database/tenant-scoped.repository';
import type { ListTasksQuery } from './dto/list-tasks.query';
import { TaskEntity, TERMINAL_STATUSES, VISIBLE_STATUSES, type TaskStatus } from './task.entity';

/** The visible statuses as a SQL list (constants, not input). */
const VISIBLE_IN = VISIBLE_STATUSES.map((s) => `'${s}'`).join(', ');

/** What the list shows of a task: the fields presentTask reads (`upstreamRequest` only while there is no upstream task object). */
export type ListedTask = Pick<TaskEntity, 'id' | 'taskId' | 'model' | 'status' | 'createdAt' | 'updatedAt' | 'upstreamTask' | 'upstreamRequest'>;

/** A row of the list statement as the driver returns it (PostgreSQL: bigint as text). */
interface ListedTaskRow {
  id: string;
  task_id: string | null;
  model: string;
  status: TaskStatus;
  created_at: number | string;
  updated_at: number | string;
  upstream_task: string | null;
  upstream_request: string | null;
}

function listedTaskOf(r: ListedTaskRow): ListedTask {
  return {
    id: r.id,
    taskId: r.task_id,
    model: r.model,
    status: r.status,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    upstreamTask: r.upstream_task === null ? null : (JSON.parse(r.upstream_task) as Record<string, unknown>),
    upstreamRequest: r.upstream_request === null ? {} : (JSON.parse(r.upstream_request) as Record<string, unknown>),
  };
}

/** How often a list reads an empty page whose count says it has rows before answering with the count alone. */
const LIST_READS = 3;

/** Task records, always read and written within one tenant (reads across tenants: TaskCrossTenantReader). */
@Injectable()
export class TaskRepository extends TenantScopedRepository<TaskEntity> {
  constructor(@InjectRepository(TaskEntity) repo: Repository<TaskEntity>) {
    super(repo);
  }

  /** A task the tenant can see: its own, accepted upstream, not hidden by a delete. */
  async findVisible(tenantId: TenantId, taskId: string): Promise<TaskEntity | null> {
    // Every GET of a task starts here: one prepared statement, no query building (bench/README.md § Profiles).
    return this.findOneWhere(tenantId, `task_id = ? AND hidden_at IS NULL AND status IN (${VISIBLE_IN})`, [taskId]);
  }

  /**
   * The tenant's visible tasks, newest first, and their exact total. The page is one index range in (created_at, id)
   * order (idx_tasks_tenant_status_hidden_created_id, or idx_tasks_tenant_hidden_created_id with no status filter), read
   * by one hand-written statement with only the columns the list shows; the total comes from the counters the database
   * keeps (`task_counts`), except with `task_ids`, whose COUNT the ids bound.
   */
  async listVisible(tenantId: TenantId, q: ListTasksQuery): Promise<[ListedTask[], number]> {
    assertTenantId(tenantId);
    if (q.taskIds) {
      const where: ScopedWhere<TaskEntity> = { hiddenAt: IsNull(), status: q.status ?? In([...VISIBLE_STATUSES]), taskId: In(q.taskIds) };
      if (q.model) where.model = q.model;
      return this.findAndCount(tenantId, where, { order: { createdAt: 'DESC', id: 'DESC' }, skip: (q.pageNum - 1) * q.pageSize, take: q.pageSize });
    }
    const statuses = q.status ? [q.status] : VISIBLE_STATUSES;
    const count = this.countStatement(tenantId, statuses, q.model);
    // One statement, one round trip: the page, each row carrying the total (an uncorrelated subquery, evaluated once).
    const sql =
      `SELECT id, task_id, model, status, created_at, updated_at, upstream_task, CASE WHEN upstream_task IS NULL THEN upstream_request END AS upstream_request, (${count.sql}) AS total ` +
      `FROM tasks WHERE tenant_id = ? AND hidden_at IS NULL AND ${q.status ? 'status = ?' : `status IN (${VISIBLE_IN})`}${q.model ? ' AND model = ?' : ''} ` +
      'ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?';
    const offset = (q.pageNum - 1) * q.pageSize;
    const params = [...count.params, tenantId, ...(q.status ? [q.status] : []), ...(q.model ? [q.model] : []), q.pageSize, offset];
    for (let attempt = 1; ; attempt++) {
      const rows = await this.repo.query<(ListedTaskRow & { total: string | number })[]>(this.placeholders(sql), params);
      if (rows.length > 0) return [rows.map(listedTaskOf), Number(rows[0].total)];
      // A page past the end has no row to carry the total, so it is counted by a second statement. A task that became
      // visible between the two (a create accepted, the reconciler attaching one) would be counted but not listed:
      // when the count says the page has rows, the page is read again, so items and total agree.
      const total = await this.visibleCount(tenantId, statuses, q.model);
      if (total <= offset || attempt === LIST_READS) return [[], total];
    }
  }

  /** How many visible, not hidden tasks the tenant has in `statuses` (of `model`), from the counters `task_counts`. */
  async visibleCount(tenantId: TenantId, statuses: readonly TaskStatus[], model?: string): Promise<number> {
    const count = this.countStatement(tenantId, statuses, model);
    const rows = await this.repo.query<{ total: string | number }[]>(this.placeholders(count.sql), count.params);
    return Number(rows[0]?.total ?? 0);
  }

  private countStatement(tenantId: TenantId, statuses: readonly TaskStatus[], model?: string): { sql: string; params: unknown[] } {
    assertTenantId(tenantId);
    const sql =
      `SELECT COALESCE(SUM(n), 0) AS total FROM task_counts WHERE tenant_id = ? AND status IN (${statuses.map(() => '?').join(', ')})` +
      (model !== undefined ? ' AND model = ?' : '');
    return { sql, params: [tenantId, ...statuses, ...(model !== undefined ? [model] : [])] };
  }

  /** `?` placeholders as the engine wants them (PostgreSQL: $1, $2, …). */
  private placeholders(sql: string): string {
    return placeholdersFor(this.repo.manager.connection.options.type, sql);
  }

  /**
   * Records a create before the upstream is called, so no accepted task can go unrecorded. The draft gives every column
   * its value, so nothing is read back after the INSERT (TypeORM's read-back of defaults is one more statement per
   * create on SQLite, a RETURNING on PostgreSQL).
   */
  async insertSubmitting(tenantId: TenantId, row: Omit<TaskEntity, 'tenantId'>): Promise<TaskEntity> {
    return this.insert(tenantId, row);
  }

  /**
   * `insertSubmitting` in one statement, committed on its own, made only where `condition` holds in that statement
   * (e.g. the tenant has no spend limit to check): the record, or null when it did not hold and nothing was written.
   */
  insertSubmittingWhere(
    tenantId: TenantId,
    row: Omit<TaskEntity, 'tenantId'>,
    condition: { sql: string; params: readonly unknown[] },
  ): Promise<TaskEntity | null> {
    return this.insertWhere(tenantId, row, condition.sql, condition.params);
  }

  /**
   * The upstream answered (or reconciliation found) `taskId` for this record: it becomes the tenant's queued task,
   * due for a sync at once. Only a record still waiting for its outcome is changed, and only with no other upstream
   * id; the unique `task_id` makes a second attachment of one upstream task impossible. Returns whether it changed.
   */
  async markAccepted(tenantId: TenantId, id: string, taskId: string, nextSyncAt: number): Promise<boolean> {
    const patch = { taskId, status: 'queued' as const, updatedAt: Date.now(), nextSyncAt, leaseOwner: null, leaseUntil: null, reconcileReason: null };
    return (await this.updateWhere(tenantId, patch, "id = ? AND status IN ('submitting', 'unknown') AND (task_id IS NULL OR task_id = ?)", [id, taskId])) > 0;
  }

  /** Refused upstream, or never made: no reservation any more. Only a record still waiting for its outcome is changed. */
  async markRejected(tenantId: TenantId, id: string, errorCode: string, reconcileReason: string | null = null): Promise<boolean> {
    const now = Date.now();
    const patch: Partial<TaskEntity> = {
      status: 'rejected',
      errorCode,
      updatedAt: now,
      finishedAt: now,
      reservedNano: '0',
      nextSyncAt: null,
      leaseOwner: null,
      leaseUntil: null,
      reconcileReason,
    };
    return (await this.update(tenantId, { id, status: In(['submitting', 'unknown']), taskId: IsNull() }, patch)) > 0;
  }

  /**
   * No usable answer: the record waits for reconciliation, held by `leaseOwner` until `leaseUntil` (the request that
   * resolves it inline) and due for the reconciler at `dueAt`. `taskId` when the upstream did answer an id that could
   * not be recorded as accepted.
   */
  async markUnknown(
    tenantId: TenantId,
    id: string,
    p: { errorCode: string; taskId?: string; leaseOwner: string | null; leaseUntil: number | null; dueAt: number },
  ): Promise<boolean> {
    const patch: Partial<TaskEntity> = {
      status: 'unknown',
      errorCode: p.errorCode,
      updatedAt: Date.now(),
      nextSyncAt: p.dueAt,
      leaseOwner: p.leaseOwner,
      leaseUntil: p.leaseUntil,
    };
    if (p.taskId) patch.taskId = p.taskId;
    return (await this.update(tenantId, { id, status: In(['submitting', 'unknown']) }, patch)) > 0;
  }

  /** Ends a reconciliation lease of a record that stays unresolved, saying when to look again and why (if the operator should). */
  async deferReconcile(tenantId: TenantId, id: string, owner: string, dueAt: number, reconcileReason: string | null): Promise<void> {
    await this.update(
      tenantId,
      { id, leaseOwner: owner, status: In(['submitting', 'unknown']) },
      { status: 'unknown', nextSyncAt: dueAt, leaseOwner: null, leaseUntil: null, reconcileReason },
    );
  }

  /**
   * Moves a task to what upstream reported, unless it is already terminal (another GET, the poller or
   * another instance got there first). Returns whether this call made the change.
   */
  async applyUpstreamState(tenantId: TenantId, id: string, patch: Partial<TaskEntity>): Promise<boolean> {
    const affected = await this.update(tenantId, { id, status: Not(In([...TERMINAL_STATUSES])) }, patch);
    return affected > 0;
  }

  /** `applyUpstreamState` for many tasks at once (the background sync's batch): the ids of the records that changed. */
  applyUpstreamStates(changes: readonly RowChange<TaskEntity>[]): Promise<Set<string>> {
    return this.updateEach(changes, `status NOT IN (${TERMINAL_STATUSES.map((s) => `'${s}'`).join(', ')})`);
  }

  async hide(tenantId: TenantId, id: string): Promise<void> {
    await this.update(tenantId, { id, hiddenAt: IsNull() }, { hiddenAt: Date.now() });
  }

  reload(tenantId: TenantId, id: string): Promise<TaskEntity | null> {
    return this.findOne(tenantId, { id });
  }

  /** What the tenant's in-flight tasks hold against its spend limit (nano-USD). */
  reservedNano(tenantId: TenantId): Promise<bigint> {
    return this.sumOf(tenantId, 'reserved_nano');
  }

  /** Ends a lease and says when to look again (null: never, the task is finished). */
  async releaseLease(tenantId: TenantId, id: string, owner: string, nextSyncAt: number | null, attempts: number): Promise<void> {
    await this.update(tenantId, { id, leaseOwner: owner }, { leaseOwner: null, leaseUntil: null, nextSyncAt, syncAttempts: attempts });
  }
}
