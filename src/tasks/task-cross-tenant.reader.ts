import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, In, Repository } from 'typeorm';
import { claimLeased } from '../database/lease-claim';
import { CrossTenantReader } from '../database/cross-tenant.reader';
import type { TenantScope } from '../common/tenant-identity/tenant-scope';
import { TaskEntity } from './task.entity';
import type { TaskRecordFilter } from './task-record-filter';
import { DESCRIPTOR_COLUMNS, EXPORT_PAGE_SIZE, type TaskExportPosition, type TaskExportRow } from './task-export-row';
import { sqliteConnectionOf } from '../database/row-reader';
import {
  EXPORT_APPLICATION_NAME,
  EXPORT_POSITION_PARAMS,
  exportPages,
  type ExportPlan,
  type ExportSource,
  type PostgresSettings,
  sqliteReads,
} from './export-pages';

/**
 * Every read of task records over more than one tenant: background jobs claiming due work (status sync,
 * reconciliation), the operator's views and gauges, the admin task log and the auditor export. Rows read here
 * are only ever changed afterwards through TaskRepository, with the tenant id each row carries.
 */
@Injectable()
export class TaskCrossTenantReader extends CrossTenantReader<TaskEntity> {
  constructor(@InjectRepository(TaskEntity) repo: Repository<TaskEntity>) {
    super(repo);
  }

  /**
   * Background sync: leases up to `limit` unfinished tasks that are due, for `owner` until `leaseUntil`. A task
   * leased by another live instance is never taken; an expired lease is.
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

  /** How many unfinished tasks are due for a sync and not leased (cheap, by index). */
  async countDueForSync(now: number): Promise<number> {
    return this.repo
      .createQueryBuilder('d')
      .where("d.status IN ('queued', 'running')")
      .andWhere('d.next_sync_at <= :now', { now })
      .andWhere('(d.lease_until IS NULL OR d.lease_until < :now)', { now })
      .getCount();
  }

  /** Shutdown: ends every sync lease `owner` holds (their tasks stay due), so another instance takes them at once. */
  async releaseSyncLeases(owner: string): Promise<number> {
    const result = await this.write(() =>
      this.repo.createQueryBuilder().update(TaskEntity).set({ leaseOwner: null, leaseUntil: null }).where('lease_owner = :owner', { owner }).execute(),
    );
    return result.affected ?? 0;
  }

  /**
   * Background sync: ends `owner`'s leases of the given tasks, one statement per group (of up to 500 tasks): each
   * group's tasks are due again at its `nextSyncAt` (null: never, they are finished) after `attempts` looks. A lease
   * `owner` no longer holds (it expired and another instance took the task) is left alone. Single statements, not one
   * transaction: each group stands alone, and on SQLite a statement leaves no gap for another connection's write to
   * wait in. Returns how many leases ended.
   */
  async releaseSyncLeasesOf(owner: string, groups: { ids: string[]; nextSyncAt: number | null; attempts: number }[]): Promise<number> {
    let released = 0;
    for (const g of groups) {
      const next = g.nextSyncAt;
      for (let i = 0; i < g.ids.length; i += 500) {
        const result = await this.write(() =>
          this.repo
            .createQueryBuilder()
            .update(TaskEntity)
            .set({
              leaseOwner: null,
              leaseUntil: null,
              // A task finished meanwhile by another path (a tenant's GET) keeps no next look.
              nextSyncAt: next === null ? null : () => `CASE WHEN status IN ('queued', 'running') THEN ${Math.trunc(next)} ELSE NULL END`,
              syncAttempts: g.attempts,
            })
            .where('id IN (:...ids)', { ids: g.ids.slice(i, i + 500) })
            .andWhere('lease_owner = :owner', { owner })
            .execute(),
        );
        released += result.affected ?? 0;
      }
    }
    return released;
  }

  /**
   * Reconciliation: leases up to `limit` records whose outcome is unknown and due, or still `submitting` although
   * created before `staleBefore` (their instance crashed). Never one another live instance holds.
   */
  async claimForReconcile(owner: string, now: number, leaseUntil: number, staleBefore: number, limit: number): Promise<TaskEntity[]> {
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
  async releaseReconcileLeases(owner: string): Promise<void> {
    await this.write(() => this.repo.update({ leaseOwner: owner, status: In(['submitting', 'unknown']) }, { leaseOwner: null, leaseUntil: null }));
  }

  /** Reconciliation: every record still waiting for its outcome, of one upstream model, created in [from, to]. */
  openRecords(upstreamModel: string, from: number, to: number): Promise<TaskEntity[]> {
    return this.repo.find({ where: { upstreamModel, status: In(['submitting', 'unknown']), createdAt: Between(from, to) } });
  }

  /** Reconciliation: which of these upstream ids a record (of any tenant) already owns. */
  async ownedTaskIds(taskIds: string[]): Promise<Set<string>> {
    const owned = new Set<string>();
    for (let i = 0; i < taskIds.length; i += 500) {
      const rows = await this.repo.find({ select: { taskId: true }, where: { taskId: In(taskIds.slice(i, i + 500)) } });
      for (const r of rows) owned.add(r.taskId as string);
    }
    return owned;
  }

  /**
   * The operator's view: records created since `since` whose outcome is unknown, still `submitting` although
   * created before `staleBefore`, or rejected by reconciliation with a reason the operator should see.
   */
  async unresolved(since: number, staleBefore: number, limit: number): Promise<TaskEntity[]> {
    // Two range scans (idx_tasks_status_sync, and idx_tasks_reconcile_reason of the flagged records alone) rather than one
    // over 7 days of tasks.
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

  /** Records per status, for the `arkgate_tasks` gauge (a scan of idx_tasks_status_sync). */
  async countByStatus(): Promise<Map<string, number>> {
    const rows: { status: string; n: string | number }[] = await this.repo
      .createQueryBuilder('t')
      .select('t.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .groupBy('t.status')
      .getRawMany();
    return new Map(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** Records given up on and flagged for the operator (idx_tasks_reconcile_reason). */
  async countFlagged(): Promise<number> {
    return this.repo.createQueryBuilder('t').where('t.reconcile_reason IS NOT NULL').andWhere("t.status = 'rejected'").getCount();
  }

  /**
   * What a connection of the export's own opens: this gateway's SQLite database file, or its PostgreSQL server with the
   * pool's settings (the schema's search path, the connect and query timeouts); null on SQLite in memory.
   */
  exportSource(): ExportSource | null {
    const options = this.repo.manager.connection.options;
    if (options.type === 'postgres') {
      const extra = (options.extra ?? {}) as Record<string, unknown>;
      const settings: PostgresSettings = {
        connectionString: options.url,
        host: options.host,
        port: options.port,
        user: options.username,
        password: typeof options.password === 'string' ? options.password : undefined,
        database: options.database,
        ssl: options.ssl as PostgresSettings['ssl'],
        options: extra.options as string | undefined,
        application_name: EXPORT_APPLICATION_NAME,
        connectionTimeoutMillis: extra.connectionTimeoutMillis as number | undefined,
        query_timeout: extra.query_timeout as number | undefined,
        keepAlive: extra.keepAlive as boolean | undefined,
      };
      return { postgres: Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) };
    }
    if (options.type !== 'better-sqlite3') return null;
    return options.database === ':memory:' || options.database === '' ? null : { sqlite: options.database };
  }

  /**
   * Auditor export: the export's reads (records, the charges of their range, a charge by record id, and for a split
   * export the ranges' bounds) as SQL, for exportPages to run on a connection of its own (a worker's: TaskExportService)
   * or, on SQLite in memory, on the shared one. The charges are the ledger entries of a page's range, read in the
   * records' order: an entry carries its record's creation time (`task_created_at`), so idx_ledger_task_order answers
   * the range from the index alone (bench/profiles/S6.md, fifth round); a succeeded record its range did not bring a
   * charge for (none is expected) is looked up by id, so every page carries exactly the charge each record has.
   *
   * SQLite binds the named parameters as they are; on PostgreSQL each statement is written with positional ones, the
   * way TypeORM writes it for the pool, and `positional` names them in order.
   */
  exportPlan(scope: TenantScope, filter: TaskRecordFilter, pageSize = EXPORT_PAGE_SIZE): ExportPlan {
    // Any position: only the conditions it adds are kept (exportPages names the page's own).
    const somewhere: TaskExportPosition = { createdAt: 0, id: '' };
    const first = this.exportRecordsQuery(scope, filter, null, pageSize);
    const charges = (after: TaskExportPosition | null) => this.exportChargesQuery(scope, filter, after, somewhere, pageSize);
    const chargeOf = this.chargeColumns().where('l.task_ref = :ref');
    if (scope.scope === 'tenant') chargeOf.andWhere('l.tenant_id = :scopeTenantId', { scopeTenantId: scope.tenantId });
    const ranged = charges(null);
    // A range holds pageSize records when its bounds are found; one more read says whether more were committed into it
    // since (exportRange reads on), and the limit keeps the planner on the ordered index whatever its statistics.
    const between = this.exportRecordsQuery(scope, filter, somewhere, pageSize + 1).andWhere('(t.created_at, t.id) <= (:bc, :bid)');
    // Where the page after a position ends: index order, the pageSize-th record's key (both engines: an index range scan).
    const boundary = this.exportRecordsQuery(scope, filter, somewhere, 1)
      .select('t.created_at', 'created_at')
      .addSelect('t.id', 'id')
      .offset(pageSize - 1);
    // The scope's and the filter's (the charges' conditions name them alike, with the same values).
    const params = { ...first.getParameters(), ...chargeOf.getParameters() };
    const plan: ExportPlan = {
      records: { first: first.getQuery(), after: this.exportRecordsQuery(scope, filter, somewhere, pageSize).getQuery() },
      charges: ranged && { first: ranged.getQuery(), after: charges(somewhere)!.getQuery() },
      ranges: { records: between.getQuery(), boundary: boundary.getQuery() },
      chargeOf: chargeOf.getQuery(),
      params,
      pageSize,
    };
    return this.repo.manager.connection.options.type === 'postgres' ? this.positionalPlan(plan) : plan;
  }

  /**
   * A plan's statements with positional parameters, as the PostgreSQL driver writes them, each with its parameters'
   * names in order: the driver is given every name as its own value, so the values it lists are the names.
   */
  private positionalPlan(plan: ExportPlan): ExportPlan {
    const names = Object.fromEntries([...Object.keys(plan.params), ...EXPORT_POSITION_PARAMS].map((n) => [n, n]));
    const positional: Record<string, string[]> = {};
    const write = (sql: string): string => {
      const [text, order] = this.repo.manager.connection.driver.escapeQueryWithParameters(sql, names, {});
      positional[text] = order as string[];
      return text;
    };
    return {
      ...plan,
      records: { first: write(plan.records.first), after: write(plan.records.after) },
      charges: plan.charges && { first: write(plan.charges.first), after: write(plan.charges.after) },
      ranges: plan.ranges && { records: write(plan.ranges.records), boundary: write(plan.ranges.boundary) },
      chargeOf: write(plan.chargeOf),
      positional,
    };
  }

  /** The query of one export page's records, without their charges. */
  exportRecordsQuery(scope: TenantScope, filter: TaskRecordFilter, after: TaskExportPosition | null, limit: number) {
    const qb = this.inScope(this.repo.createQueryBuilder('t'), 't', scope)
      .select('t.id', 'id')
      .addSelect('t.task_id', 'task_id')
      .addSelect(this.descriptorOf('t'), 'descriptor')
      .addSelect('t.status', 'status')
      .addSelect('t.created_at', 'created_at')
      .addSelect('t.finished_at', 'finished_at')
      .addSelect('t.safety_identifier', 'safety_identifier')
      .addSelect('t.callback_url', 'callback_url')
      .addSelect('t.hidden_at', 'hidden_at')
      .addSelect('t.error_code', 'error_code')
      .addSelect('t.request_id', 'request_id')
      .orderBy('t.created_at', 'ASC')
      .addOrderBy('t.id', 'ASC');
    qb.limit(limit);
    if (filter.from !== undefined) qb.andWhere('t.created_at >= :from', { from: filter.from });
    if (filter.to !== undefined) qb.andWhere('t.created_at < :to', { to: filter.to });
    if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
    if (filter.model) qb.andWhere('t.model = :model', { model: filter.model });
    // A row-value comparison, so both engines answer with a range scan of idx_tasks_created_id.
    if (after) qb.andWhere('(t.created_at, t.id) > (:ac, :aid)', { ac: after.createdAt, aid: after.id });
    return qb;
  }

  /** The SQL of a record's descriptor (DESCRIPTOR_COLUMNS as one JSON array text) on this engine. */
  private descriptorOf(alias: string): string {
    const columns = DESCRIPTOR_COLUMNS.map((c) => `${alias}.${c}`).join(', ');
    return this.repo.manager.connection.options.type === 'postgres' ? `json_build_array(${columns})::text` : `json_array(${columns})`;
  }

  /**
   * The query of the charges of an export page: the ledger entries (billing's table, read only here) of the scope's
   * records matching the filter, after `after` and up to `until` (inclusive) in the records' (created_at, id) order,
   * at most `limit` — an index-only range scan of idx_ledger_task_order. Only succeeded records have one, so a status
   * filter other than `succeeded` needs none (null).
   */
  exportChargesQuery(scope: TenantScope, filter: TaskRecordFilter, after: TaskExportPosition | null, until: TaskExportPosition | null, limit: number) {
    if (filter.status && filter.status !== 'succeeded') return null;
    const qb = this.chargeColumns().orderBy('l.task_created_at', 'ASC').addOrderBy('l.task_ref', 'ASC').limit(limit);
    if (scope.scope === 'tenant') qb.andWhere('l.tenant_id = :scopeTenantId', { scopeTenantId: scope.tenantId });
    if (filter.from !== undefined) qb.andWhere('l.task_created_at >= :from', { from: filter.from });
    if (filter.to !== undefined) qb.andWhere('l.task_created_at < :to', { to: filter.to });
    if (filter.model) qb.andWhere('l.model = :model', { model: filter.model });
    if (after) qb.andWhere('(l.task_created_at, l.task_ref) > (:ac, :aid)', { ac: after.createdAt, aid: after.id });
    if (until) qb.andWhere('(l.task_created_at, l.task_ref) <= (:uc, :uid)', { uc: until.createdAt, uid: until.id });
    return qb;
  }

  private chargeColumns() {
    return this.repo.manager
      .createQueryBuilder()
      .from('ledger_entries', 'l')
      .select('l.task_ref', 'task_ref')
      .addSelect('l.task_created_at', 'task_created_at')
      .addSelect('l.sku', 'sku')
      .addSelect('l.tokens', 'tokens')
      .addSelect('l.nano_per_million', 'nano_per_million')
      .addSelect('l.amount_nano', 'amount_nano');
  }

  /**
   * Every task record of the scope matching the filter with its charge, page by page, for auditor exports (hidden
   * ones included), read on the shared connection: SQLite in memory, which no other connection can open (elsewhere
   * the export reads on a worker's connection of its own: TaskExportService).
   */
  exportRecords(scope: TenantScope, filter: TaskRecordFilter, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<TaskExportRow[]> {
    const db = sqliteConnectionOf(this.repo);
    if (!db) throw new Error('the export reads on the shared connection only on SQLite');
    return exportPages(sqliteReads(db), this.exportPlan(scope, filter, pageSize));
  }

  /**
   * Admin task log: one page of the scope's records newest first after `before` (keyset on (created_at, id), so
   * each page is a range scan of idx_tasks_created_id or, filtered, of the tenant/status/model indexes).
   */
  async logPage(scope: TenantScope, filter: TaskRecordFilter, before: { createdAt: number; id: string } | null, limit: number): Promise<TaskEntity[]> {
    return this.logPageQuery(scope, filter, before, limit).getMany();
  }

  /** The query of one task log page (exposed so a test can ask the database for its plan). */
  logPageQuery(scope: TenantScope, filter: TaskRecordFilter, before: { createdAt: number; id: string } | null, limit: number) {
    const qb = this.inScope(this.repo.createQueryBuilder('t'), 't', scope).orderBy('t.created_at', 'DESC').addOrderBy('t.id', 'DESC').take(limit);
    if (filter.from !== undefined) qb.andWhere('t.created_at >= :from', { from: filter.from });
    if (filter.to !== undefined) qb.andWhere('t.created_at < :to', { to: filter.to });
    if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
    if (filter.model) qb.andWhere('t.model = :model', { model: filter.model });
    if (before) qb.andWhere('(t.created_at, t.id) < (:bc, :bid)', { bc: before.createdAt, bid: before.id });
    return qb;
  }

  /** Admin task detail: a record of any tenant by arkgate's id or by its upstream task id. */
  async findByAnyId(id: string): Promise<TaskEntity | null> {
    return (await this.repo.findOne({ where: { taskId: id } })) ?? (id.length <= 36 ? await this.repo.findOne({ where: { id } }) : null);
  }
}
