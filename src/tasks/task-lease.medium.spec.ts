import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { openMigratedDataSource } from '../../test/support/test-database';
import { TenantEntity } from '../tenancy/tenant.entity';
import { TaskEntity } from './task.entity';
import { TaskCrossTenantReader } from './task-cross-tenant.reader';

/** Medium: background-sync leases on a real database — two claimers never get the same task. */
describe('TaskCrossTenantReader.claimDueForSync', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let tenantId: string;

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
    tenantId = randomUUID();
    await ds.getRepository(TenantEntity).insert({
      id: tenantId,
      name: 'lease',
      status: 'active',
      mediaPolicy: null,
      rateLimitPerMinute: 60,
      spendLimitNano: null,
      entitlements: { video_generation: true, asset_library: true, models: [] },
      createdAt: 0,
      updatedAt: 0,
    });
    const rows = Array.from({ length: 100 }, (_, i) => ({
      id: randomUUID(),
      taskId: `cgt-lease-${i}`,
      tenantId,
      model: 'dreamina-seedance-2-0',
      upstreamModel: 'x',
      status: i < 90 ? 'queued' : 'succeeded',
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
      nextSyncAt: i < 80 ? 1000 : 999_999,
      leaseOwner: null,
      leaseUntil: null,
      syncAttempts: 0,
      reservedNano: '0',
    }));
    await ds.getRepository(TaskEntity).insert(rows as never);
  });
  afterAll(async () => close());

  it('claims only due, unfinished, unleased tasks, each by exactly one claimer', async () => {
    const repos = [1, 2, 3, 4].map(() => new TaskCrossTenantReader(ds.getRepository(TaskEntity)));
    const claims = await Promise.all(repos.map((r, i) => r.claimDueForSync(`owner-${i}`, 2000, 60_000, 30)));
    const ids = claims.flat().map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(80);
    for (const [i, claim] of claims.entries()) expect(claim.every((t) => t.leaseOwner === `owner-${i}` && t.status === 'queued')).toBe(true);
    // nothing left while the leases live; everything again once they expire
    expect(await repos[0].claimDueForSync('late', 3000, 70_000, 100)).toHaveLength(0);
    expect(await repos[0].claimDueForSync('late', 61_000, 120_000, 100)).toHaveLength(80);
  });
});
