import { startSandbox, type SandboxHandle } from '@arkgate/sandbox';
import { DataSource } from 'typeorm';
import { TaskEntity } from '../../src/tasks/task.entity';
import { ledger } from '../support/billing';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventually, startGateway, TASKS } from '../support/test-gateway';
import { testTenantId } from '../support/tenant-id';

/** Tasks in flight when the gateway stops are settled (and charged once) by the gateway that starts next. */
describe('tasks in flight at a restart are settled after it', () => {
  let db: TestDatabase;
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    db = await createTestDatabase({ shareable: true });
    sandbox = await startSandbox({ queuedMs: 50, runningMs: 100 });
  });
  afterAll(async () => {
    await sandbox?.close();
    await db?.drop();
  });

  it('stop with 20 running tasks, start again, all 20 charged once', async () => {
    const first = await startGateway({ sync: true, shared: { db, sandbox } });
    const t = await first.newTenant({ media_policy: 'any' });
    sandbox.control.holdAll('running');
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await first.call('POST', TASKS, {
        token: t.token,
        body: { model: 'dreamina-seedance-2-0', content: [{ type: 'text', text: `shot ${i}` }], resolution: '720p', duration: 5 },
      });
      ids.push(r.body.id);
    }
    await first.close();
    sandbox.control.holdAll(null);
    for (const id of ids) sandbox.control.release(id);

    const second = await startGateway({ sync: true, shared: { db, sandbox } });
    try {
      const repo = second.app.get(DataSource).getRepository(TaskEntity);
      await eventually(
        () => repo.count({ where: { tenantId: testTenantId(t.id), status: 'succeeded' } }),
        (n) => n === 20,
        20000,
      );
      const entries = await ledger(second, t.id);
      expect(entries.map((e) => e.taskId).sort()).toEqual([...ids].sort());
    } finally {
      await second.close();
    }
  });
});
