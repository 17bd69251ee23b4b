import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { factories, taskDraft, type Factories } from '../../test/support/factories';
import { openMigratedDataSource } from '../../test/support/test-database';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { CountVisibleTasks1765000000000 } from '../database/migrations/1765000000000-count-visible-tasks';
import { CountTaskChangesPerStatement1765300000000 } from '../database/migrations/1765300000000-count-task-changes-per-statement';
import { UnitOfWork } from '../database/unit-of-work';
import { TaskEntity, VISIBLE_STATUSES, type TaskStatus } from './task.entity';
import { TaskRepository } from './task.repository';

/**
 * Medium: the list total comes from counters the database keeps in the same transaction as every write of a task
 * (migration 1765000000000; on PostgreSQL one trigger call per statement since 1765300000000). Whatever path writes, one
 * row or many in a statement, the counters equal an exact COUNT of the tenant's visible, not hidden tasks, per status and
 * model. SQLite, or PostgreSQL when DATABASE_URL is set.
 */
describe('the list total (task counters)', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let repo: TaskRepository;
  let f: Factories;

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
    repo = new TaskRepository(ds.getRepository(TaskEntity));
    f = factories(ds);
  });
  afterAll(async () => close());

  const MODELS = ['dreamina-seedance-2-0', 'dreamina-seedance-2-0-fast'];
  const newTenant = async () => (await f.newTenant()).id;
  /** A create as the submission makes it: a `submitting` record with no upstream id yet. */
  const submit = (tenantId: TenantId, over: Partial<Omit<TaskEntity, 'tenantId'>> = {}) =>
    repo.insertSubmitting(tenantId, taskDraft({ taskId: null, status: 'submitting', model: MODELS[0], ...over }));
  const accept = async (tenantId: TenantId, id: string) => expect(await repo.markAccepted(tenantId, id, `cgt-${randomUUID()}`, Date.now())).toBe(true);
  const moveTo = async (tenantId: TenantId, id: string, status: TaskStatus) =>
    expect(await repo.applyUpstreamState(tenantId, id, { status, updatedAt: Date.now() })).toBe(true);

  /** The exact COUNT the counters stand for. */
  const exact = async (tenantId: TenantId, statuses: readonly TaskStatus[], model?: string): Promise<number> => {
    const query = ds
      .getRepository(TaskEntity)
      .createQueryBuilder('t')
      .where('t.tenant_id = :tenantId AND t.hidden_at IS NULL AND t.status IN (:...statuses)', { tenantId, statuses });
    if (model) query.andWhere('t.model = :model', { model });
    return query.getCount();
  };

  /** Every total the list can answer from the counters (no filter, each status, each model, both), against COUNT. */
  const expectExact = async (tenantId: TenantId): Promise<void> => {
    for (const statuses of [VISIBLE_STATUSES, ...VISIBLE_STATUSES.map((s) => [s])]) {
      for (const model of [undefined, ...MODELS]) {
        expect({ statuses, model, n: await repo.visibleCount(tenantId, statuses, model) }).toEqual({
          statuses,
          model,
          n: await exact(tenantId, statuses, model),
        });
      }
    }
  };

  const totals = async (tenantId: TenantId) => {
    const byStatus: Record<string, number> = {};
    for (const s of VISIBLE_STATUSES) byStatus[s] = await repo.visibleCount(tenantId, [s]);
    return { all: await repo.visibleCount(tenantId, VISIBLE_STATUSES), ...byStatus };
  };

  it('counts a task from accepted through running to succeeded, once, in its status', async () => {
    const a = await newTenant();
    const t = await submit(a);
    expect((await totals(a)).all).toBe(0);
    await accept(a, t.id);
    expect(await totals(a)).toMatchObject({ all: 1, queued: 1, running: 0 });
    await moveTo(a, t.id, 'running');
    expect(await totals(a)).toMatchObject({ all: 1, queued: 0, running: 1 });
    await moveTo(a, t.id, 'succeeded');
    expect(await totals(a)).toMatchObject({ all: 1, running: 0, succeeded: 1 });
    // a second report of the finished state changes nothing
    expect(await repo.applyUpstreamState(a, t.id, { status: 'succeeded' })).toBe(false);
    expect(await totals(a)).toMatchObject({ all: 1, succeeded: 1 });
    await expectExact(a);
  });

  it('never counts submitting, rejected or unknown records', async () => {
    const a = await newTenant();
    const rejected = await submit(a);
    expect(await repo.markRejected(a, rejected.id, 'InvalidParameter')).toBe(true);
    const unknown = await submit(a);
    expect(await repo.markUnknown(a, unknown.id, { errorCode: 'upstream_error', leaseOwner: null, leaseUntil: null, dueAt: Date.now() })).toBe(true);
    await repo.deferReconcile(a, unknown.id, 'nobody', Date.now(), null);
    await submit(a);
    expect((await totals(a)).all).toBe(0);
    // an unknown record the reconciler finds upstream becomes queued, and counts from then on
    await accept(a, unknown.id);
    expect(await totals(a)).toMatchObject({ all: 1, queued: 1 });
    await expectExact(a);
  });

  it('a hidden (deleted) task leaves the total; hiding it twice changes nothing', async () => {
    const a = await newTenant();
    const t = await submit(a);
    await accept(a, t.id);
    await moveTo(a, t.id, 'failed');
    const kept = await submit(a);
    await accept(a, kept.id);
    await moveTo(a, kept.id, 'failed');
    expect(await totals(a)).toMatchObject({ all: 2, failed: 2 });
    await repo.hide(a, t.id);
    await repo.hide(a, t.id);
    expect(await totals(a)).toMatchObject({ all: 1, failed: 1 });
    await expectExact(a);
  });

  it("tenant B's tasks never count in tenant A's total", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const mine = await submit(a);
    await accept(a, mine.id);
    for (let i = 0; i < 3; i++) {
      const theirs = await submit(b, { model: MODELS[i % 2] });
      await accept(b, theirs.id);
      await moveTo(b, theirs.id, 'succeeded');
    }
    expect(await totals(a)).toMatchObject({ all: 1, queued: 1, succeeded: 0 });
    expect(await totals(b)).toMatchObject({ all: 3, succeeded: 3 });
    const [, total] = await repo.listVisible(a, { pageNum: 1, pageSize: 20, status: 'succeeded' });
    expect(total).toBe(0);
    await expectExact(a);
    await expectExact(b);
  });

  it('counts per model, and the list answers the model and status filters from the counters', async () => {
    const a = await newTenant();
    for (const [model, status] of [
      [MODELS[0], 'succeeded'],
      [MODELS[1], 'succeeded'],
      [MODELS[1], 'succeeded'],
      [MODELS[1], 'expired'],
    ] as const) {
      const t = await submit(a, { model });
      await accept(a, t.id);
      await moveTo(a, t.id, status);
    }
    const [rows, total] = await repo.listVisible(a, { pageNum: 1, pageSize: 1, status: 'succeeded', model: MODELS[1] });
    expect(rows).toHaveLength(1);
    expect(total).toBe(2);
    expect((await repo.listVisible(a, { pageNum: 1, pageSize: 20, model: MODELS[1] }))[1]).toBe(3);
    // a page past the end still has the total
    expect(await repo.listVisible(a, { pageNum: 9, pageSize: 20, status: 'succeeded' })).toEqual([[], 3]);
    await expectExact(a);
  });

  it('a task accepted between the empty page and its count is listed, not only counted', async () => {
    const a = await newTenant();
    const t = await submit(a);
    // The list's own repository, whose first statement (the page) is followed by the accept committing, as the
    // reconciler attaching a task does on another connection.
    const listing = ds.getRepository(TaskEntity);
    const query = listing.query.bind(listing);
    let reads = 0;
    let accepted = false;
    const racing = new TaskRepository(
      Object.assign(Object.create(listing) as typeof listing, {
        query: async (sql: string, params?: unknown[]) => {
          const rows = await query(sql, params);
          reads++;
          if (!accepted) {
            accepted = true;
            await accept(a, t.id);
          }
          return rows;
        },
      }),
    );
    const [rows, total] = await racing.listVisible(a, { pageNum: 1, pageSize: 20 });
    expect(total).toBe(1);
    expect(rows.map((r) => r.id)).toEqual([t.id]);
    // past the end: the count alone, read once
    reads = 0;
    expect(await racing.listVisible(a, { pageNum: 2, pageSize: 20 })).toEqual([[], 1]);
    expect(reads).toBe(2);
  });

  it('with filter.task_ids the total is the COUNT of those ids the tenant sees', async () => {
    const a = await newTenant();
    const b = await newTenant();
    const visible = await submit(a);
    await accept(a, visible.id);
    const other = await submit(b);
    await accept(b, other.id);
    const ids = [(await repo.reload(a, visible.id))!.taskId!, (await repo.reload(b, other.id))!.taskId!, 'cgt-nowhere'];
    const [rows, total] = await repo.listVisible(a, { pageNum: 1, pageSize: 20, taskIds: ids });
    expect(total).toBe(1);
    expect(rows.map((r) => r.id)).toEqual([visible.id]);
  });

  it('the migration counts the tasks already there (and its down and up run again cleanly)', async () => {
    const a = await newTenant();
    const b = await newTenant();
    const migration = new CountVisibleTasks1765000000000();
    const perStatement = new CountTaskChangesPerStatement1765300000000();
    const runner = ds.createQueryRunner();
    try {
      await perStatement.down(runner);
      await migration.down(runner);
      for (const [tenantId, status, hidden] of [
        [a, 'succeeded', false],
        [a, 'succeeded', true],
        [a, 'running', false],
        [a, 'rejected', false],
        [b, 'succeeded', false],
      ] as const) {
        await ds
          .getRepository(TaskEntity)
          .insert({ ...taskDraft({ status }), hiddenAt: hidden ? Date.now() : null, tenantId } as QueryDeepPartialEntity<TaskEntity>);
      }
      await migration.up(runner);
      await perStatement.up(runner);
    } finally {
      await runner.release();
    }
    expect(await totals(a)).toMatchObject({ all: 2, succeeded: 1, running: 1 });
    expect(await totals(b)).toMatchObject({ all: 1, succeeded: 1 });
    await expectExact(a);
    // and the triggers are back
    const t = await submit(a);
    await accept(a, t.id);
    await expectExact(a);
  });

  it('stays exact under concurrent creates and status changes of one tenant (several pooled connections on PostgreSQL)', async () => {
    const a = await newTenant();
    const uow = UnitOfWork.for(ds);
    const lifecycle = async (i: number) => {
      const t = await submit(a, { model: MODELS[i % 2] });
      await accept(a, t.id);
      for (const status of ['running', i % 3 === 0 ? 'failed' : 'succeeded'] as const) {
        // as the sync applies a state: the status change and what goes with it in one transaction
        await uow.transaction(async (m) => {
          expect(await repo.using(m).applyUpstreamState(a, t.id, { status, updatedAt: Date.now() })).toBe(true);
        });
      }
      if (i % 4 === 0) await repo.hide(a, t.id);
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => lifecycle(i)));
    expect(await totals(a)).toMatchObject({ all: 30, queued: 0, running: 0, failed: 10, succeeded: 20 });
    await expectExact(a);
  });

  it('stays exact when one statement changes many tasks of several tenants, models and statuses (the sync’s group commit)', async () => {
    const a = await newTenant();
    const b = await newTenant();
    const made: { tenantId: TenantId; id: string; i: number }[] = [];
    for (let i = 0; i < 24; i++) {
      const tenantId = i % 3 === 0 ? b : a;
      const t = await submit(tenantId, { model: MODELS[i % 2] });
      await accept(tenantId, t.id);
      if (i % 4 === 0) await moveTo(tenantId, t.id, 'running');
      made.push({ tenantId, id: t.id, i });
    }
    // One statement per shape of change: some move on, some finish, some are already where they are reported to be.
    const report = (i: number): TaskStatus => (['running', 'succeeded', 'failed', 'queued'] as const)[i % 4];
    const changed = await repo.applyUpstreamStates(made.map(({ tenantId, id, i }) => ({ tenantId, id, patch: { status: report(i), updatedAt: Date.now() } })));
    expect(changed.size).toBe(made.length);
    await expectExact(a);
    await expectExact(b);
    // A statement that changes what is not counted (a lease) leaves the totals as they are.
    const before = [await totals(a), await totals(b)];
    await ds.getRepository(TaskEntity).update({ tenantId: a }, { leaseOwner: 'someone', leaseUntil: Date.now() });
    expect([await totals(a), await totals(b)]).toEqual(before);
    // Many hidden and many deleted in one statement each.
    await ds.getRepository(TaskEntity).update({ tenantId: b }, { hiddenAt: Date.now() });
    await ds.getRepository(TaskEntity).delete(made.filter((m) => m.tenantId === a && m.i % 2 === 0).map((m) => m.id));
    expect((await totals(b)).all).toBe(0);
    await expectExact(a);
    await expectExact(b);
  });

  it('stays exact through bulk inserts, the test factories, a task deleted outright, and a rolled-back transaction', async () => {
    const a = await newTenant();
    // one INSERT of many rows, as the benchmarks' seeding writes them
    const rows = Array.from({ length: 30 }, (_, i) => ({
      ...taskDraft({ status: (['succeeded', 'failed', 'rejected', 'running', 'submitting'] as const)[i % 5], model: MODELS[i % 2] }),
      hiddenAt: i % 7 === 0 ? Date.now() : null,
      tenantId: a,
    }));
    await ds
      .createQueryBuilder()
      .insert()
      .into(TaskEntity)
      .values(rows as QueryDeepPartialEntity<TaskEntity>[])
      .execute();
    await f.newTask({ tenant: { id: a } as never, status: 'cancelled' });
    const gone = await f.newTask({ tenant: { id: a } as never, status: 'succeeded' });
    await expectExact(a);
    await ds.getRepository(TaskEntity).delete({ id: gone.id });
    await expectExact(a);
    const before = await totals(a);
    const t = await submit(a);
    await expect(
      UnitOfWork.for(ds).transaction(async (m) => {
        await repo.using(m).markAccepted(a, t.id, `cgt-${randomUUID()}`, Date.now());
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await totals(a)).toEqual(before);
    await expectExact(a);
  });
});
