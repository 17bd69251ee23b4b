import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { taskDraft } from '../../test/support/factories';
import { testTenantId } from '../../test/support/tenant-id';
import { openMigratedDataSource } from '../../test/support/test-database';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { TenantEntity } from '../tenancy/tenant.entity';
import { TenancyService } from '../tenancy/tenancy.service';
import { TaskEntity } from './task.entity';
import { TaskRepository } from './task.repository';

/** Medium: the repository against a real database (SQLite, or PostgreSQL when DATABASE_URL is set). */
describe('TaskRepository', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let repo: TaskRepository;

  const newTenant = async () => {
    const t = ds.getRepository(TenantEntity).create({
      id: randomUUID(),
      name: `t-${randomUUID()}`,
      status: 'active',
      mediaPolicy: null,
      rateLimitPerMinute: 60,
      entitlements: { video_generation: true, asset_library: true, models: [] },
      createdAt: Date.now(),
      updatedAt: Date.now(),
    });
    await ds.getRepository(TenantEntity).insert(t);
    return testTenantId(t.id);
  };
  const newTask = (tenantId: TenantId, over: Partial<Omit<TaskEntity, 'tenantId'>> = {}) =>
    repo.insertSubmitting(
      tenantId,
      taskDraft({
        taskId: `cgt-${randomUUID().slice(0, 8)}`,
        model: 'dreamina-seedance-2-0',
        upstreamModel: 'dreamina-seedance-2-0-260128',
        status: 'queued',
        upstreamRequest: { model: 'dreamina-seedance-2-0-260128' },
        ...over,
      }),
    );

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
    repo = new TaskRepository(ds.getRepository(TaskEntity));
  });
  afterAll(async () => close());

  it('refuses to run without a tenant id', async () => {
    await expect(repo.findVisible(testTenantId(''), 'x')).rejects.toThrow('without a tenant id');
    await expect(repo.findVisible(undefined as unknown as TenantId, 'x')).rejects.toThrow('without a tenant id');
  });

  it('stamps the tenant on insert and never reads across tenants', async () => {
    const a = await newTenant();
    const b = await newTenant();
    const task = await newTask(a);
    expect(task.tenantId).toBe(a);
    expect(await repo.findVisible(b, task.taskId as string)).toBeNull();
    expect((await repo.findVisible(a, task.taskId as string))?.id).toBe(task.id);
    expect((await repo.listVisible(b, { pageNum: 1, pageSize: 10 }))[1]).toBe(0);
    expect(await repo.update(b, { id: task.id }, { status: 'failed' })).toBe(0);
  });

  it('insertSubmitting stores the record as drafted (no read-back) and refuses a tenant id in the row', async () => {
    const a = await newTenant();
    const inserted = await newTask(a, {
      taskId: null,
      status: 'submitting',
      reservedNano: '123456789012345',
      upstreamRequest: { model: 'm', content: [{ type: 'text', text: 'é' }] },
      createdAt: 1234,
      updatedAt: 1235,
    });
    const stored = await repo.reload(a, inserted.id);
    expect(stored).toMatchObject({
      id: inserted.id,
      tenantId: a,
      status: 'submitting',
      taskId: null,
      reservedNano: '123456789012345',
      syncAttempts: 0,
      upstreamRequest: { model: 'm', content: [{ type: 'text', text: 'é' }] },
      createdAt: 1234,
      updatedAt: 1235,
    });
    expect(inserted).toMatchObject({ tenantId: a, reservedNano: '123456789012345', syncAttempts: 0 });
    await expect(repo.insertSubmitting(a, { ...taskDraft({}), tenantId: a } as never)).rejects.toThrow('must not name tenantId');
  });

  it('insertSubmittingWhere records only while the condition holds, in the same statement, with every column typed', async () => {
    const a = await newTenant();
    const draft = (over: Partial<Omit<TaskEntity, 'tenantId'>> = {}) =>
      taskDraft({
        taskId: null,
        status: 'submitting',
        reservedNano: '987654321',
        hasVideoInput: true,
        upstreamRequest: { model: 'm', content: [{ type: 'text', text: 'ü' }] },
        createdAt: 5678,
        updatedAt: 5679,
        ...over,
      });
    const noLimit = TenancyService.hasNoSpendLimit(a);
    const row = await repo.insertSubmittingWhere(a, draft(), noLimit);
    expect(row).not.toBeNull();
    expect(await repo.reload(a, row!.id)).toMatchObject({
      tenantId: a,
      status: 'submitting',
      reservedNano: '987654321',
      hasVideoInput: true,
      upstreamRequest: { model: 'm', content: [{ type: 'text', text: 'ü' }] },
      createdAt: 5678,
    });
    // A limit set: the condition no longer holds and nothing is written.
    await ds.getRepository(TenantEntity).update({ id: a }, { spendLimitNano: '1000' });
    const refused = draft();
    expect(await repo.insertSubmittingWhere(a, refused, noLimit)).toBeNull();
    expect(await repo.reload(a, refused.id)).toBeNull();
    await expect(repo.insertSubmittingWhere(a, { ...draft(), tenantId: a } as never, noLimit)).rejects.toThrow('must not name tenantId');
  });

  it('lists newest first and skips hidden, submitting and rejected rows', async () => {
    const a = await newTenant();
    const old = await newTask(a, { createdAt: 1000 });
    const mid = await newTask(a, { createdAt: 2000 });
    await newTask(a, { createdAt: 3000, taskId: null, status: 'submitting' });
    const hidden = await newTask(a, { createdAt: 4000, status: 'succeeded' });
    await repo.hide(a, hidden.id);
    const [rows, total] = await repo.listVisible(a, { pageNum: 1, pageSize: 10 });
    expect(total).toBe(2);
    expect(rows.map((r) => r.id)).toEqual([mid.id, old.id]);
  });

  it('applyUpstreamState never moves a terminal task', async () => {
    const a = await newTenant();
    const t = await newTask(a);
    expect(await repo.applyUpstreamState(a, t.id, { status: 'succeeded' })).toBe(true);
    expect(await repo.applyUpstreamState(a, t.id, { status: 'running' })).toBe(false);
    expect((await repo.reload(a, t.id))?.status).toBe('succeeded');
  });

  it('keeps JSON snapshots and epoch-ms times exact on both engines', async () => {
    const a = await newTenant();
    const t = await newTask(a, {
      createdAt: 1781181681123,
      upstreamRequest: { callback_url: 'https://example.com/cb', content: [{ type: 'text', text: 'é' }] },
    });
    const back = await repo.reload(a, t.id);
    expect(back?.createdAt).toBe(1781181681123);
    expect(back?.upstreamRequest).toEqual({ callback_url: 'https://example.com/cb', content: [{ type: 'text', text: 'é' }] });
    expect(back?.hasVideoInput).toBe(false);
  });
});
