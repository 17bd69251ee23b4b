import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { factories, taskDraft } from '../../test/support/factories';
import { openMigratedDataSource } from '../../test/support/test-database';
import { TaskEntity, TaskStatus } from './task.entity';
import { TaskRepository } from './task.repository';

/**
 * Medium: `findVisible` reads with one hand-written statement (RowReader) instead of TypeORM's `findOne`; what it
 * hands back must be the entity TypeORM would have built, on SQLite and PostgreSQL.
 */
describe('TaskRepository.findVisible (hand-written read)', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let repo: TaskRepository;

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
    repo = new TaskRepository(ds.getRepository(TaskEntity));
  });
  afterAll(async () => close());

  it('hydrates every column exactly as TypeORM does: JSON snapshots, epoch-ms bigints, booleans, nano-USD text, nulls', async () => {
    const tenant = await factories(ds).newTenant();
    const task = await repo.insertSubmitting(
      tenant.id,
      taskDraft({
        taskId: `cgt-${randomUUID().slice(0, 12)}`,
        status: 'succeeded',
        hasVideoInput: true,
        createdAt: 1781181681123,
        updatedAt: 1781181699999,
        finishedAt: 1781181700001,
        reservedNano: '4213370000',
        upstreamRequest: { model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'é "quoted" \\ ✓' }] },
        upstreamTask: { id: 'cgt-x', status: 'succeeded', usage: { completion_tokens: 108900 }, content: { video_url: 'https://e.example/v.mp4' } },
        safetyIdentifier: null,
        duration: 5,
      }),
    );
    const viaTypeOrm = await ds.getRepository(TaskEntity).findOneByOrFail({ id: task.id });
    const viaReader = await repo.findVisible(tenant.id, task.taskId as string);
    expect(viaReader).toBeInstanceOf(TaskEntity);
    expect(viaReader).toEqual(viaTypeOrm);
    expect(viaReader?.createdAt).toBe(1781181681123);
    expect(viaReader?.hasVideoInput).toBe(true);
    expect(viaReader?.reservedNano).toBe('4213370000');
  });

  it('finds only visible, not hidden tasks of the tenant it is given', async () => {
    const f = factories(ds);
    const a = await f.newTenant();
    const b = await f.newTenant();
    const make = async (status: TaskStatus, hidden = false) => {
      const t = await repo.insertSubmitting(a.id, taskDraft({ taskId: `cgt-${randomUUID().slice(0, 12)}`, status, hiddenAt: hidden ? Date.now() : null }));
      return t.taskId as string;
    };
    for (const status of ['queued', 'running', 'succeeded', 'failed', 'expired', 'cancelled'] as const) {
      const id = await make(status);
      expect((await repo.findVisible(a.id, id))?.status).toBe(status);
      expect(await repo.findVisible(b.id, id)).toBeNull();
    }
    for (const status of ['submitting', 'unknown', 'rejected'] as const) expect(await repo.findVisible(a.id, await make(status))).toBeNull();
    expect(await repo.findVisible(a.id, await make('succeeded', true))).toBeNull();
    expect(await repo.findVisible(a.id, "x' OR '1'='1")).toBeNull();
  });
});
