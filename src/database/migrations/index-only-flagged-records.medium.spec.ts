import { DataSource } from 'typeorm';
import { factories } from '../../../test/support/factories';
import { openMigratedDataSource } from '../../../test/support/test-database';
import { TaskCrossTenantReader } from '../../tasks/task-cross-tenant.reader';
import { TaskEntity } from '../../tasks/task.entity';
import { IndexOnlyFlaggedRecords1765500000000 } from './1765500000000-index-only-flagged-records';

/**
 * Medium, both engines: after the migration `idx_tasks_reconcile_reason` holds only flagged records, and the
 * statements that read it (captured as the reader sends them) are still answered from it — the planner proves their
 * conditions imply the index's. The other reads of the records awaiting reconciliation still use an index too.
 * Reverted, the index is a full one again. PostgreSQL is asked with sequential scans discouraged, as a big table would
 * make the planner choose.
 */
describe('migration: index only flagged records', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let reader: TaskCrossTenantReader;
  const migration = new IndexOnlyFlaggedRecords1765500000000();

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
    reader = new TaskCrossTenantReader(ds.getRepository(TaskEntity));
    const f = factories(ds);
    const tenant = await f.newTenant();
    const now = Date.now();
    await f.newTask({ tenant, status: 'running', nextSyncAt: now - 1_000 });
    await f.newTask({ tenant, status: 'unknown', nextSyncAt: now - 1_000, reconcileReason: 'ambiguous' });
    await f.newTask({ tenant, status: 'rejected', nextSyncAt: null, reconcileReason: 'not_found' });
    await f.newTask({ tenant, status: 'succeeded', nextSyncAt: null });
  });
  afterAll(async () => close());

  const postgres = () => ds.options.type === 'postgres';

  /** Each index of `tasks` with its condition (null: a full index). */
  async function conditions(): Promise<Record<string, string | null>> {
    const rows: { name: string; sql: string }[] = postgres()
      ? await ds.query(`SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = 'tasks' AND schemaname = current_schema()`)
      : await ds.query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tasks' AND sql IS NOT NULL`);
    return Object.fromEntries(rows.map((r) => [r.name, /\bWHERE\b\s*\(?(.*?)\)?$/i.exec(r.sql)?.[1] ?? null]));
  }

  /** The statements `work` sends, as the readers build them. */
  async function statementsOf(work: () => Promise<unknown>): Promise<{ sql: string; params: unknown[] }[]> {
    const sent: { sql: string; params: unknown[] }[] = [];
    const spy = jest.spyOn(ds.logger, 'logQuery').mockImplementation((sql, params) => void sent.push({ sql, params: params ?? [] }));
    try {
      await work();
    } finally {
      spy.mockRestore();
    }
    return sent.filter((s) => /\bFROM\b/i.test(s.sql) && /\btasks\b/.test(s.sql));
  }

  async function planOf(s: { sql: string; params: unknown[] }): Promise<string> {
    if (!postgres()) {
      const rows: { detail: string }[] = await ds.query(`EXPLAIN QUERY PLAN ${s.sql}`, s.params);
      return rows.map((r) => r.detail).join('\n');
    }
    return ds.transaction(async (m) => {
      await m.query('SET LOCAL enable_seqscan = off');
      const rows: { 'QUERY PLAN': string }[] = await m.query(`EXPLAIN ${s.sql}`, s.params);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  }

  it('keeps only flagged records in idx_tasks_reconcile_reason; idx_tasks_status_sync stays whole', async () => {
    const c = await conditions();
    expect(c.idx_tasks_reconcile_reason).toMatch(/reconcile_reason"?\s+IS NOT NULL/i);
    expect(c).toHaveProperty('idx_tasks_status_sync', null);
  });

  const now = () => Date.now();
  it.each([
    // Few records await reconciliation: either index led by status finds them, as the planner prefers.
    [
      'the reconciliation claim',
      'idx_tasks_status_(sync|created_id)',
      () => reader.claimForReconcile('plan-check', now(), now() + 30_000, now() - 60_000, 100),
    ],
    ['the count of flagged records', 'idx_tasks_reconcile_reason', () => reader.countFlagged()],
    ['the operator view of unresolved records', 'idx_tasks_reconcile_reason', () => reader.unresolved(0, now() - 60_000, 50)],
  ] as const)('%s is still answered from %s', async (_what, index, work) => {
    // `index` is a pattern: one name, or the names the planner may choose between.
    const statements = await statementsOf(work);
    expect(statements.length).toBeGreaterThan(0);
    const plans = await Promise.all(statements.map((s) => planOf(s)));
    if (process.env.SHOW_PLANS) process.stdout.write(`${_what}:\n${statements.map((s, i) => `${s.sql}\n${plans[i]}`).join('\n\n')}\n\n`);
    expect(plans.join('\n')).toMatch(new RegExp(`\\b${index}\\b`));
    for (const p of plans) expect(p).not.toMatch(postgres() ? /Seq Scan on tasks/ : /^SCAN (d|t|tasks)$/m);
  });

  it('down makes it a full index again; up a partial one', async () => {
    const runner = ds.createQueryRunner();
    try {
      await migration.down(runner);
      expect(await conditions()).toHaveProperty('idx_tasks_reconcile_reason', null);
      await migration.up(runner);
      expect((await conditions()).idx_tasks_reconcile_reason).toMatch(/IS NOT NULL/i);
    } finally {
      await runner.release();
    }
  });
});
