import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { testTenantId } from '../../test/support/tenant-id';
import { openMigratedDataSource } from '../../test/support/test-database';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { TenantEntity } from '../tenancy/tenant.entity';
import { TaskCrossTenantReader } from './task-cross-tenant.reader';
import { TaskEntity, TaskStatus } from './task.entity';
import { TaskRepository } from './task.repository';

/**
 * Medium: reconciliation leases on a real database — records with an unknown outcome that are due, and `submitting`
 * records older than the stale limit, are each claimed by exactly one instance; a released lease is taken again.
 */
describe('TaskCrossTenantReader.claimForReconcile', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let tenantId: TenantId;

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
    tenantId = testTenantId();
    await ds.getRepository(TenantEntity).insert({
      id: tenantId,
      name: 'reconcile',
      status: 'active',
      mediaPolicy: null,
      rateLimitPerMinute: 60,
      spendLimitNano: null,
      entitlements: { video_generation: true, asset_library: true, models: [] },
      createdAt: 0,
      updatedAt: 0,
    });
    // 0–39 unknown and due, 40–49 unknown but due later, 50–69 submitting and stale, 70–79 submitting and fresh, 80–89 queued.
    const status = (i: number): TaskStatus => (i < 50 ? 'unknown' : i < 80 ? 'submitting' : 'queued');
    const rows = Array.from({ length: 90 }, (_, i) => ({
      id: randomUUID(),
      taskId: i >= 80 ? `cgt-rec-${i}` : null,
      tenantId,
      model: 'dreamina-seedance-2-0',
      upstreamModel: 'x',
      status: status(i),
      upstreamRequest: {},
      upstreamTask: null,
      hasVideoInput: false,
      resolution: null,
      ratio: null,
      duration: null,
      safetyIdentifier: null,
      callbackUrl: null,
      requestId: 'r',
      errorCode: null,
      hiddenAt: null,
      createdAt: i < 70 ? 1000 + i : 100_000 + i,
      updatedAt: 0,
      finishedAt: null,
      nextSyncAt: i < 40 ? 1000 : i < 50 ? 999_999 : null,
      leaseOwner: null,
      leaseUntil: null,
      syncAttempts: 0,
      reservedNano: '5',
    }));
    await ds.getRepository(TaskEntity).insert(rows);
  });
  afterAll(async () => close());

  it('claims due unknown and stale submitting records, each by exactly one claimer, and gives them back on release', async () => {
    const repos = [1, 2, 3, 4].map(() => new TaskCrossTenantReader(ds.getRepository(TaskEntity)));
    const now = 50_000;
    const staleBefore = 10_000;
    const claims = await Promise.all(repos.map((r, i) => r.claimForReconcile(`owner-${i}`, now, now + 60_000, staleBefore, 20)));
    const ids = claims.flat().map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(60);
    for (const [i, claim] of claims.entries())
      expect(claim.every((t) => t.leaseOwner === `owner-${i}` && ['unknown', 'submitting'].includes(t.status))).toBe(true);
    expect(await repos[0].claimForReconcile('late', now + 1, now + 70_000, staleBefore, 100)).toHaveLength(0);

    await repos[1].releaseReconcileLeases('owner-1');
    const again = await repos[0].claimForReconcile('late', now + 2, now + 70_000, staleBefore, 100);
    expect(again.map((t) => t.id).sort()).toEqual(claims[1].map((t) => t.id).sort());
  });

  it('a record resolved meanwhile cannot be rejected or attached twice', async () => {
    const repo = new TaskRepository(ds.getRepository(TaskEntity));
    const [row] = await ds.getRepository(TaskEntity).find({ where: { status: 'unknown' }, take: 1 });
    expect(await repo.markAccepted(tenantId, row.id, 'cgt-found-1', 0)).toBe(true);
    expect(await repo.markRejected(tenantId, row.id, 'late')).toBe(false);
    expect(await repo.markAccepted(tenantId, row.id, 'cgt-found-2', 0)).toBe(false);
    const other = (await ds.getRepository(TaskEntity).find({ where: { status: 'unknown' }, take: 2 }))[1];
    await expect(repo.markAccepted(tenantId, other.id, 'cgt-found-1', 0)).rejects.toThrow();
  });
});
