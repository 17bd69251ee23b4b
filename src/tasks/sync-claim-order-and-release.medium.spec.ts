import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { openMigratedDataSource } from '../../test/support/test-database';
import { TenantEntity } from '../tenancy/tenant.entity';
import { TaskEntity } from './task.entity';
import { TaskCrossTenantReader } from './task-cross-tenant.reader';

/**
 * Medium: the background sync claims the tasks that have waited longest first (so none starves behind a backlog),
 * and ends only the leases it holds, each group due again when its back-off says.
 */
describe('background sync claim order and lease release', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let reader: TaskCrossTenantReader;
  let tenantId: string;

  const task = (i: number, nextSyncAt: number): Partial<TaskEntity> => ({
    id: randomUUID(),
    taskId: `cgt-order-${i}-${randomUUID().slice(0, 8)}`,
    tenantId: tenantId as never,
    model: 'dreamina-seedance-2-0',
    upstreamModel: 'x',
    status: 'queued',
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
    createdAt: i,
    updatedAt: i,
    finishedAt: null,
    nextSyncAt,
    leaseOwner: null,
    leaseUntil: null,
    syncAttempts: 0,
    reservedNano: '0',
  });

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
    tenantId = randomUUID();
    await ds.getRepository(TenantEntity).insert({
      id: tenantId,
      name: 'order',
      status: 'active',
      mediaPolicy: null,
      rateLimitPerMinute: 60,
      spendLimitNano: null,
      entitlements: { video_generation: true, asset_library: true, models: [] },
      createdAt: 0,
      updatedAt: 0,
    });
    reader = new TaskCrossTenantReader(ds.getRepository(TaskEntity));
  });
  afterAll(async () => close());
  beforeEach(async () => ds.getRepository(TaskEntity).delete({ tenantId: tenantId as never }));

  it('claims the longest-waiting due tasks first, whatever order they were written in', async () => {
    // Written newest-due first: 30 tasks due at 1000..1029, then 10 that waited longer (due at 10..19).
    const late = Array.from({ length: 30 }, (_, i) => task(i, 1000 + i));
    const early = Array.from({ length: 10 }, (_, i) => task(100 + i, 10 + i));
    await ds.getRepository(TaskEntity).insert([...late, ...early] as never);
    const first = await reader.claimDueForSync('a', 5000, 60_000, 15);
    expect(first.map((t) => t.nextSyncAt).sort((x, y) => x! - y!)).toEqual([...Array.from({ length: 10 }, (_, i) => 10 + i), 1000, 1001, 1002, 1003, 1004]);
    // The rest are not skipped: the next claim takes the next-longest waiting.
    const second = await reader.claimDueForSync('b', 5000, 60_000, 100);
    expect(second.map((t) => t.nextSyncAt).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 25 }, (_, i) => 1005 + i));
  });

  it("ends only the owner's leases, each group due again at its own time after its attempts; finished ones never", async () => {
    const rows = Array.from({ length: 6 }, (_, i) => task(i, 10));
    await ds.getRepository(TaskEntity).insert(rows as never);
    const mine = await reader.claimDueForSync('mine', 100, 60_000, 4);
    const theirs = await reader.claimDueForSync('theirs', 100, 60_000, 10);
    expect(mine).toHaveLength(4);
    expect(theirs).toHaveLength(2);
    const [a, b, c, d] = mine.map((t) => t.id);
    const released = await reader.releaseSyncLeasesOf('mine', [
      { ids: [a, b], nextSyncAt: 2_000, attempts: 1 },
      { ids: [c], nextSyncAt: 5_000, attempts: 2 },
      { ids: [d], nextSyncAt: null, attempts: 3 },
      // not mine: left alone
      { ids: [theirs[0].id], nextSyncAt: 9_000, attempts: 9 },
    ]);
    expect(released).toBe(4);
    const stored = new Map((await ds.getRepository(TaskEntity).find({ where: { tenantId: tenantId as never } })).map((t) => [t.id, t]));
    const view = (id: string) => {
      const t = stored.get(id)!;
      return { leaseOwner: t.leaseOwner, leaseUntil: t.leaseUntil, nextSyncAt: t.nextSyncAt, syncAttempts: t.syncAttempts };
    };
    expect(view(a)).toEqual({ leaseOwner: null, leaseUntil: null, nextSyncAt: 2_000, syncAttempts: 1 });
    expect(view(b)).toEqual({ leaseOwner: null, leaseUntil: null, nextSyncAt: 2_000, syncAttempts: 1 });
    expect(view(c)).toEqual({ leaseOwner: null, leaseUntil: null, nextSyncAt: 5_000, syncAttempts: 2 });
    expect(view(d)).toEqual({ leaseOwner: null, leaseUntil: null, nextSyncAt: null, syncAttempts: 3 });
    for (const t of theirs) expect(view(t.id)).toEqual({ leaseOwner: 'theirs', leaseUntil: 60_000, nextSyncAt: 10, syncAttempts: 0 });
  });
});
