import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { factories, taskDraft } from '../../../test/support/factories';
import { openMigratedDataSource } from '../../../test/support/test-database';
import { TaskEntity } from '../../tasks/task.entity';
import { FewerIndexWritesPerTaskUpdate1765400000000, TASKS_FILLFACTOR } from './1765400000000-fewer-index-writes-per-task-update';

const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') ? it : it.skip;

/**
 * Medium, both engines: after the migration `tasks` has no (tenant_id, created_at) index of its own and a tenant's
 * tasks are still read in created order from an index, without a sort; reverted, the index is back. PostgreSQL only
 * (SQLite has no fillfactor): pages written after the migration keep room, so a lease taken on a task of a page that
 * inserts have filled is a HOT update (no index written); on pages written after the revert it is not.
 */
describe('migration: fewer index writes per task update', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let tenantId: string;
  const migration = new FewerIndexWritesPerTaskUpdate1765400000000();

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
    tenantId = (await factories(ds).newTenant()).id;
  });
  afterAll(async () => close());

  const postgres = () => ds.options.type === 'postgres';

  async function taskIndexes(): Promise<string[]> {
    const rows: { name: string }[] = postgres()
      ? await ds.query(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'tasks' AND schemaname = current_schema()`)
      : await ds.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tasks' AND sql IS NOT NULL`);
    return rows.map((r) => r.name).sort();
  }

  /** The plan of a tenant's tasks in created order, as text. */
  async function planOfTenantInCreatedOrder(): Promise<string> {
    const sql = 'SELECT id FROM tasks WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 20';
    if (!postgres()) {
      const rows: { detail: string }[] = await ds.query(`EXPLAIN QUERY PLAN ${sql.replace('$1', '?')}`, [tenantId]);
      return rows.map((r) => r.detail).join('\n');
    }
    return ds.transaction(async (m) => {
      // A handful of rows: without this the planner would rightly scan the table.
      await m.query('SET LOCAL enable_seqscan = off');
      const rows: { 'QUERY PLAN': string }[] = await m.query(`EXPLAIN ${sql}`, [tenantId]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  }

  it('drops the (tenant_id, created_at) index, which (tenant_id, created_at, id) serves in its place; down brings it back', async () => {
    expect(await taskIndexes()).not.toContain('idx_tasks_tenant_created');
    expect(await taskIndexes()).toContain('idx_tasks_tenant_created_id');
    const plan = await planOfTenantInCreatedOrder();
    expect(plan).toMatch(/idx_tasks_tenant_created_id/);
    expect(plan).not.toMatch(/Sort|TEMP B-TREE/);

    const runner = ds.createQueryRunner();
    try {
      await migration.down(runner);
      expect(await taskIndexes()).toContain('idx_tasks_tenant_created');
      await migration.up(runner);
      expect(await taskIndexes()).not.toContain('idx_tasks_tenant_created');
    } finally {
      await runner.release();
    }
  });

  /** Inserts `n` tasks, one statement each as creates do; answers the id of one on a page they alone filled. */
  async function fillPages(n: number): Promise<string> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const row = { ...taskDraft(), tenantId };
      await ds.getRepository(TaskEntity).insert(row as QueryDeepPartialEntity<TaskEntity>);
      ids.push(row.id);
    }
    // Every task's page, and whether it is one of these: earlier pages' room may have taken some of them first.
    const rows: { id: string; page: number }[] = await ds.query(`SELECT id, (ctid::text::point)[0]::int AS page FROM tasks`);
    const mine = new Set(ids);
    const last = Math.max(...rows.map((r) => r.page));
    const pages = new Map<number, { ids: string[]; others: number }>();
    for (const r of rows) {
      const page = pages.get(r.page) ?? { ids: [], others: 0 };
      if (mine.has(r.id)) page.ids.push(r.id);
      else page.others++;
      pages.set(r.page, page);
    }
    // A page these filled on their own: none of the earlier rows on it, and not the last (still filling).
    const full = [...pages].find(([n, p]) => n !== last && p.others === 0 && p.ids.length > 0);
    expect(full).toBeDefined();
    return full![1].ids[0];
  }

  /** Takes a lease on the task as the background sync does; answers whether PostgreSQL made it a HOT update. */
  async function leaseIsHot(id: string): Promise<boolean> {
    return ds.transaction(async (m) => {
      await m.query('UPDATE tasks SET lease_owner = $1, lease_until = $2 WHERE id = $3', ['instance-a', Date.now() + 30_000, id]);
      const [{ hot }] = await m.query(`SELECT pg_stat_get_xact_tuples_hot_updated('tasks'::regclass)::int AS hot`);
      return hot === 1;
    });
  }

  const options = async (): Promise<string | null> =>
    (await ds.query(`SELECT array_to_string(reloptions, ',') AS o FROM pg_class WHERE oid = 'tasks'::regclass`))[0].o;

  onPostgres(`PostgreSQL: new pages keep ${100 - TASKS_FILLFACTOR}% for updates, so a lease is a HOT update; reverted, pages fill up again`, async () => {
    expect(await options()).toBe(`fillfactor=${TASKS_FILLFACTOR}`);
    expect(await leaseIsHot(await fillPages(60))).toBe(true);

    const runner = ds.createQueryRunner();
    try {
      await migration.down(runner);
      expect(await options()).toBeNull();
      expect(await leaseIsHot(await fillPages(60))).toBe(false);
      await migration.up(runner);
      expect(await options()).toBe(`fillfactor=${TASKS_FILLFACTOR}`);
    } finally {
      await runner.release();
    }
  });
});
