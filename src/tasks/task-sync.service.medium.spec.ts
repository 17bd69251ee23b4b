import { DataSource } from 'typeorm';
import type { ArkTask } from '@arkgate/byteplus';
import { mediumModule } from '../../test/support/test-module';
import { factories, Factories } from '../../test/support/factories';
import { expectedUsd, nanoToUsd } from '../../test/support/billing';
import { LedgerEntryEntity } from '../billing/ledger-entry.entity';
import { UpstreamModule } from '../upstream/upstream.module';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { TaskEntity } from './task.entity';
import { TaskSyncService } from './task-sync.service';
import { TasksModule } from './tasks.module';

/**
 * Medium: settlement as the sync path does it, on a real database — a success moves the task and writes its one
 * ledger entry in one transaction, whoever applies it and however often; failures, expiries and cancellations free
 * the reservation and charge nothing. Upstream answers are given directly (no HTTP, no background jobs).
 */
describe('TaskSyncService.apply (medium)', () => {
  let sync: TaskSyncService;
  let ds: DataSource;
  let f: Factories;
  let tenant: TenantContext;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const m = await mediumModule([UpstreamModule, TasksModule], { ARKGATE_SYNC_ENABLED: 'false', ARKGATE_RECONCILE_ENABLED: 'false' });
    sync = m.moduleRef.get(TaskSyncService);
    ds = m.moduleRef.get(DataSource);
    f = factories(ds);
    tenant = await f.newTenant();
    close = m.close;
  });
  afterAll(async () => close?.());

  const answer = (task: TaskEntity, status: ArkTask['status'], extra: Partial<ArkTask> = {}): ArkTask => ({
    id: task.taskId!,
    status,
    resolution: task.resolution ?? '720p',
    ratio: '16:9',
    duration: 5,
    ...(status === 'succeeded' ? { usage: { completion_tokens: 108_900, total_tokens: 108_900 } } : {}),
    ...extra,
  });
  const ledgerOf = (task: TaskEntity) => ds.getRepository(LedgerEntryEntity).find({ where: { taskRef: task.id } });

  it('a success is stored with its one ledger entry, at the SKU of the reported resolution, and frees the reservation', async () => {
    const task = await f.newTask({ tenant, model: 'dreamina-seedance-2-0', resolution: '720p', reservedNano: '999' });
    const stored = await sync.apply(task, answer(task, 'succeeded', { resolution: '1080p' }));
    expect(stored).toMatchObject({ status: 'succeeded', resolution: '1080p', reservedNano: '0', nextSyncAt: null });
    const entries = await ledgerOf(task);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ tenantId: tenant.id, sku: 'dreamina-seedance-2-0-1080p-novideo', tokens: '108900' });
    expect(nanoToUsd(entries[0].amountNano)).toBe(expectedUsd(108_900, '7.7'));
  });

  it('the same success applied by several callers at once is charged once', async () => {
    const task = await f.newTask({ tenant });
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => sync.apply(task, answer(task, 'succeeded'))));
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    expect(await ledgerOf(task)).toHaveLength(1);
    // And again later (a GET after the poller got there first): still one.
    await sync.apply(task, answer(task, 'succeeded'));
    expect(await ledgerOf(task)).toHaveLength(1);
  });

  it.each(['failed', 'expired', 'cancelled'] as const)('%s: charged nothing, and the reservation is freed', async (status) => {
    const task = await f.newTask({ tenant, reservedNano: '123456' });
    const stored = await sync.apply(
      task,
      answer(task, status, status === 'failed' ? { error: { code: 'OutputVideoSensitiveContentDetected', message: 'x' } } : {}),
    );
    expect(stored).toMatchObject({ status, reservedNano: '0' });
    expect(await ledgerOf(task)).toEqual([]);
  });

  it('a task still running keeps its reservation and is not charged', async () => {
    const task = await f.newTask({ tenant, status: 'queued', reservedNano: '5000' });
    const stored = await sync.apply(task, answer(task, 'running'));
    expect(stored).toMatchObject({ status: 'running', reservedNano: '5000' });
    expect(await ledgerOf(task)).toEqual([]);
  });
});
