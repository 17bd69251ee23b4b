import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { factories, taskDraft } from '../../test/support/factories';
import { openMigratedDataSource } from '../../test/support/test-database';
import { TaskEntity, TaskStatus } from './task.entity';
import { TaskRepository } from './task.repository';
import type { TenantId } from '../common/tenant-identity/tenant-id';

/**
 * Medium: `applyUpstreamStates` changes many task records with a few set-based statements (RowWriter) where the
 * background sync's batch used one UPDATE each. It must store exactly what `applyUpstreamState` stores, row by row,
 * on SQLite and PostgreSQL: each row its own values, finished rows left alone, another tenant's row never touched.
 */
describe('TaskRepository.applyUpstreamStates (set-based batch)', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let repo: TaskRepository;

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
    repo = new TaskRepository(ds.getRepository(TaskEntity));
  });
  afterAll(async () => close());

  const make = (tenantId: TenantId, status: TaskStatus) =>
    repo.insertSubmitting(tenantId, taskDraft({ taskId: `cgt-${randomUUID().slice(0, 12)}`, status, leaseOwner: 'me', leaseUntil: 1781181700000 }));

  const patches: Partial<TaskEntity>[] = [
    // still running: a new upstream snapshot
    {
      status: 'running',
      upstreamTask: { id: 'x', status: 'running', note: 'é "q" \\ ✓' },
      updatedAt: 1781181690001,
      errorCode: null,
      resolution: '720p',
      ratio: '16:9',
      duration: 5,
    },
    // succeeded: finished, lease ended, nothing reserved
    {
      status: 'succeeded',
      upstreamTask: { id: 'y', status: 'succeeded', usage: { completion_tokens: 108900 } },
      updatedAt: 1781181690002,
      errorCode: null,
      resolution: '1080p',
      ratio: '9:16',
      duration: 10,
      finishedAt: 1781181690002,
      nextSyncAt: null,
      reservedNano: '0',
      leaseOwner: null,
      leaseUntil: null,
    },
    // failed, with a code and a null duration
    {
      status: 'failed',
      upstreamTask: { id: 'z', status: 'failed', error: { code: 'OutputVideoSensitiveContentDetected' } },
      updatedAt: 1781181690003,
      errorCode: 'OutputVideoSensitiveContentDetected',
      resolution: null,
      ratio: null,
      duration: null,
      finishedAt: 1781181690003,
      nextSyncAt: null,
      reservedNano: '0',
      leaseOwner: null,
      leaseUntil: null,
    },
  ];

  it('stores what one UPDATE per row stores, each row its own values, in one call for rows of several shapes', async () => {
    const tenant = await factories(ds).newTenant();
    const batch = await Promise.all(patches.map(() => make(tenant.id, 'queued')));
    const single = await Promise.all(patches.map(() => make(tenant.id, 'queued')));

    const changed = await repo.applyUpstreamStates(batch.map((row, i) => ({ tenantId: tenant.id, id: row.id, patch: patches[i] })));
    expect(changed).toEqual(new Set(batch.map((r) => r.id)));
    for (const [i, row] of single.entries()) expect(await repo.applyUpstreamState(tenant.id, row.id, patches[i])).toBe(true);

    const read = (id: string) => ds.getRepository(TaskEntity).findOneByOrFail({ id });
    for (const i of patches.keys()) {
      const viaBatch = await read(batch[i].id);
      const viaSingle = await read(single[i].id);
      const strip = (t: TaskEntity) => ({ ...t, id: undefined, taskId: undefined, createdAt: undefined, requestId: undefined });
      expect(strip(viaBatch)).toEqual(strip(viaSingle));
      expect(viaBatch).toMatchObject(patches[i]);
    }
  });

  it('leaves finished rows and other tenants’ rows as they are, and says which rows changed', async () => {
    const f = factories(ds);
    const a = await f.newTenant();
    const b = await f.newTenant();
    const open = await make(a.id, 'running');
    const finished = await make(a.id, 'cancelled');
    const others = await make(b.id, 'running');

    const changed = await repo.applyUpstreamStates([
      { tenantId: a.id, id: open.id, patch: patches[1] },
      { tenantId: a.id, id: finished.id, patch: patches[1] },
      // tenant a's batch naming tenant b's record: not a's, not changed
      { tenantId: a.id, id: others.id, patch: patches[1] },
    ]);
    expect(changed).toEqual(new Set([open.id]));
    const read = (id: string) => ds.getRepository(TaskEntity).findOneByOrFail({ id });
    expect((await read(finished.id)).status).toBe('cancelled');
    expect((await read(others.id)).status).toBe('running');
    expect((await read(others.id)).leaseOwner).toBe('me');
    expect(await repo.applyUpstreamStates([])).toEqual(new Set());
  });

  it('refuses a change without a tenant, or one that names a tenant in its patch', async () => {
    const tenant = await factories(ds).newTenant();
    const row = await make(tenant.id, 'queued');
    await expect(repo.applyUpstreamStates([{ tenantId: '', id: row.id, patch: patches[0] }])).rejects.toThrow(/without a tenant id/);
    await expect(repo.applyUpstreamStates([{ tenantId: tenant.id, id: row.id, patch: { ...patches[0], tenantId: tenant.id } }])).rejects.toThrow(
      /must not name tenantId/,
    );
    expect((await ds.getRepository(TaskEntity).findOneByOrFail({ id: row.id })).status).toBe('queued');
  });

  it('changes 450 rows (more than one statement holds) with each its own value', async () => {
    const tenant = await factories(ds).newTenant();
    const rows = [];
    for (let i = 0; i < 450; i++) rows.push(await make(tenant.id, 'queued'));
    const changed = await repo.applyUpstreamStates(
      rows.map((r, i) => ({ tenantId: tenant.id, id: r.id, patch: { ...patches[0], updatedAt: 1781181700000 + i } })),
    );
    expect(changed.size).toBe(450);
    const stored = await ds.getRepository(TaskEntity).find({ where: { tenantId: tenant.id } as never });
    const byId = new Map(stored.map((t) => [t.id, t.updatedAt]));
    rows.forEach((r, i) => expect(byId.get(r.id)).toBe(1781181700000 + i));
  });
});
