import { DataSource } from 'typeorm';
import { startSandbox, type SandboxHandle } from '@arkgate/sandbox';
import { factories } from '../../test/support/factories';
import { mediumModule } from '../../test/support/test-module';
import { systemContext } from '../common/http/request-context';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { UpstreamModule } from '../upstream/upstream.module';
import { CreateTaskPipe } from './create-task.pipe';
import { TaskCreation } from './task-creation.service';
import { TaskEntity } from './task.entity';
import { TasksModule } from './tasks.module';

/**
 * Medium: a create's three outcomes (docs/contract.md §9) as TaskCreation and TaskSubmission decide them, on a real
 * database, with the sandbox as the upstream: accepted → `queued` with the upstream id; definitely refused (a 4xx) →
 * `rejected`, its reservation released; an answer lost after the task was made → `unknown`, found again inline and
 * recorded with its id. No HTTP in front, no background jobs.
 */
describe('TaskSubmission: the three outcomes of a create (medium)', () => {
  let sandbox: SandboxHandle;
  let creation: TaskCreation;
  let pipe: CreateTaskPipe;
  let ds: DataSource;
  let tenant: TenantContext;
  let close: () => Promise<void>;

  beforeAll(async () => {
    sandbox = await startSandbox({ queuedMs: 60_000 });
    const m = await mediumModule([UpstreamModule, TasksModule], {
      ARK_BASE_URL: sandbox.dataPlaneUrl,
      ARK_API_KEY: sandbox.apiKey,
      ARK_TIMEOUT_MS: '1000',
      ARKGATE_RECONCILE_INLINE_MS: '3000',
      ARKGATE_SYNC_ENABLED: 'false',
      ARKGATE_RECONCILE_ENABLED: 'false',
    });
    close = m.close;
    creation = m.moduleRef.get(TaskCreation);
    pipe = m.moduleRef.get(CreateTaskPipe);
    ds = m.moduleRef.get(DataSource);
    tenant = await factories(ds).newTenant({
      entitlements: { video_generation: true, asset_library: true, models: ['dreamina-seedance-2-0', 'dreamina-seedance-2-0-fast'] },
    });
  });
  afterAll(async () => {
    await close?.();
    await sandbox?.close();
  });
  beforeEach(() => sandbox.control.clearFaults());

  const create = async (text: string, extra: Record<string, unknown> = {}) =>
    creation.create(
      tenant,
      await pipe.transform({ body: { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text }], ...extra } }),
      systemContext(),
    );
  const recordOf = (text: string) =>
    ds
      .getRepository(TaskEntity)
      .find({ where: { tenantId: tenant.id } })
      .then((rows) => rows.filter((r) => JSON.stringify(r.upstreamRequest).includes(text)));

  it('accepted: the record is queued with the upstream id and holds its estimate until it ends', async () => {
    const { id } = await create('accepted boat');
    const [row] = await recordOf('accepted boat');
    expect(row).toMatchObject({ taskId: id, status: 'queued', model: 'dreamina-seedance-2-0-fast' });
    expect(BigInt(row.reservedNano)).toBeGreaterThan(0n);
    expect(sandbox.control.task(id)?.status).toBe('queued');
  });

  it('definitely refused (an upstream 4xx): the record ends rejected, its reservation released, the error passed on', async () => {
    sandbox.control.addFault({
      op: 'create',
      kind: 'status',
      status: 400,
      body: { error: { code: 'InvalidParameter', message: 'refused upstream', type: 'BadRequest' } },
    });
    await expect(create('refused boat')).rejects.toMatchObject({ status: 400 });
    const [row] = await recordOf('refused boat');
    expect(row).toMatchObject({ status: 'rejected', taskId: null, reservedNano: '0' });
  });

  it('answer lost after the task was made (a 500): the outcome is unknown, found inline, and the record gets its id', async () => {
    sandbox.control.addFault({ op: 'create', kind: 'status', status: 500, afterHandling: true });
    const { id } = await create('lost-answer boat');
    const [row] = await recordOf('lost-answer boat');
    expect(row).toMatchObject({ taskId: id, status: 'queued' });
    expect(sandbox.control.task(id)).toBeDefined();
  });
});
