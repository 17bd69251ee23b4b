import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { openMigratedDataSource } from '../../test/support/test-database';
import { TaskEntity } from './task.entity';
import { testTenantId } from '../../test/support/tenant-id';
import { ALL_TENANTS, oneTenant, TenantScope } from '../common/tenant-identity/tenant-scope';
import { TaskCrossTenantReader } from './task-cross-tenant.reader';
import type { TaskRecordFilter } from './task-record-filter';

/**
 * Medium: each page of the admin task log is read through an index in its order (no sort of the whole
 * table), whichever filter is set, on the engine in use. PostgreSQL is asked with sequential scans
 * discouraged, as a big table would make the planner choose.
 */
describe('the admin task log query is index-backed', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let repo: TaskCrossTenantReader;
  const before = { createdAt: Date.now(), id: randomUUID() };

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
    repo = new TaskCrossTenantReader(ds.getRepository(TaskEntity));
  });
  afterAll(async () => close());

  async function plan(scope: TenantScope, filter: TaskRecordFilter): Promise<string> {
    const [sql, params] = repo.logPageQuery(scope, filter, before, 51).getQueryAndParameters();
    if (ds.options.type === 'postgres') {
      return ds.transaction(async (m) => {
        await m.query('SET LOCAL enable_seqscan = off');
        await m.query('SET LOCAL enable_sort = off');
        const rows: Array<{ 'QUERY PLAN': string }> = await m.query(`EXPLAIN ${sql}`, params);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    }
    const rows: Array<{ detail: string }> = await ds.query(`EXPLAIN QUERY PLAN ${sql}`, params);
    return rows.map((r) => r.detail).join('\n');
  }

  it.each([
    ['no filter', ALL_TENANTS, {}, 'idx_tasks_created_id'],
    ['a tenant', oneTenant(testTenantId()), {}, 'idx_tasks_tenant_created_id'],
    ['a status', ALL_TENANTS, { status: 'succeeded' }, 'idx_tasks_status_created_id'],
    ['a model', ALL_TENANTS, { model: 'dreamina-seedance-2-0' }, 'idx_tasks_model_created_id'],
    ['a time range', ALL_TENANTS, { from: 0, to: Date.now() }, 'idx_tasks_created_id'],
  ] as const)('filtered by %s: a range scan of an index, no sort of the table', async (_what, scope, filter, index) => {
    const p = await plan(scope, filter);
    if (process.env.SHOW_PLANS) process.stdout.write(`${_what}:\n${p}\n\n`);
    expect(p).toMatch(/idx_tasks_/);
    expect(p).toMatch(new RegExp(`\\b${index}\\b`));
    if (ds.options.type === 'postgres') {
      expect(p).not.toMatch(/Seq Scan/);
      expect(p).not.toMatch(/Sort/);
    } else {
      expect(p).not.toMatch(/TEMP B-TREE/);
      expect(p).not.toMatch(/^SCAN t$/m);
    }
  });
});
