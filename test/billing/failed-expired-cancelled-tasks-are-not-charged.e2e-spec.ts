import { createAndFinish, ledger } from '../support/billing';
import { eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';

/** Seed 000 §3: only tasks that produced a video are charged. */
describe('failed, expired and cancelled tasks are not charged', () => {
  let gw: TestGateway;
  let t: { id: string; token: string };
  const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'boat' }], resolution: '480p', duration: 4 };
  beforeAll(async () => {
    gw = await startGateway({ sync: true });
    t = await gw.newTenant({ media_policy: 'any' });
  });
  afterAll(async () => gw?.close());

  it.each(['failed', 'expired'] as const)('a %s task leaves no ledger entry and releases its reservation', async (outcome) => {
    const task = await createAndFinish(gw, t.token, body, outcome);
    expect(task.status).toBe(outcome);
    expect((await ledger(gw, t.id)).find((e) => e.taskId === task.id)).toBeUndefined();
  });

  it('a cancelled task leaves no ledger entry', async () => {
    gw.sandbox.control.holdAll('queued');
    const created = await gw.call('POST', TASKS, { token: t.token, body });
    gw.sandbox.control.holdAll(null);
    expect((await gw.call('DELETE', `${TASKS}/${created.body.id}`, { token: t.token })).status).toBe(200);
    expect((await gw.call('GET', `${TASKS}/${created.body.id}`, { token: t.token })).body.status).toBe('cancelled');
    expect((await ledger(gw, t.id)).find((e) => e.taskId === created.body.id)).toBeUndefined();
  });

  it('a task refused upstream is not charged and holds no reservation', async () => {
    gw.sandbox.control.addFault({
      op: 'create',
      kind: 'status',
      status: 400,
      body: { error: { code: 'InvalidParameter', message: 'x', param: '', type: 'BadRequest' } },
    });
    expect((await gw.call('POST', TASKS, { token: t.token, body })).status).toBe(400);
    const usage = await gw.call('GET', '/billing/usage', { token: t.token });
    expect(usage.body.totals).toEqual({ tasks: 0, tokens: 0, amount_usd: '0.00' });
  });

  it('the background sync settles failures without anyone polling, and still charges nothing', async () => {
    const created = await gw.call('POST', TASKS, { token: t.token, body });
    gw.sandbox.control.forceOutcome(created.body.id, 'failed');
    const { DataSource } = await import('typeorm');
    const { TaskEntity } = await import('../../src/tasks/task.entity');
    const repo = gw.app.get(DataSource).getRepository(TaskEntity);
    const row = await eventually(
      () => repo.findOneByOrFail({ taskId: created.body.id }),
      (r) => r.status === 'failed',
    );
    expect(row.reservedNano).toBe('0');
    expect((await ledger(gw, t.id)).find((e) => e.taskId === created.body.id)).toBeUndefined();
  });
});
