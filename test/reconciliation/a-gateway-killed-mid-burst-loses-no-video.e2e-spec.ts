/**
 * docs/contract.md §9 with a real crash: a gateway process killed with SIGKILL in the middle of a burst of creates, then
 * restarted on the same database. Afterwards every task the upstream made is attached to a record or reported as an
 * orphan, no record is left `submitting`, and whatever is still unresolved is in the operator's view.
 */
import { startSandbox, type SandboxHandle } from '@arkgate/sandbox';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { TaskEntity } from '../../src/tasks/task.entity';
import { type ChildGateway, startChildGateway } from '../support/child-gateway';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { ADMIN_TOKEN, eventually, TASKS } from '../support/test-gateway';

const BURST = 20;
const ENV = {
  ARKGATE_RECONCILE_INTERVAL_MS: '200',
  ARKGATE_RECONCILE_GRACE_MS: '500',
  ARKGATE_RECONCILE_INLINE_MS: '1000',
  ARKGATE_SYNC_ENABLED: 'true',
};

async function json(url: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('a gateway killed mid-burst loses no video', () => {
  let sandbox: SandboxHandle;
  let db: TestDatabase;
  let ds: DataSource;
  let child: ChildGateway | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ queuedMs: 100, runningMs: 200 });
    db = await createTestDatabase({ shareable: true });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await child?.exited;
    if (ds?.isInitialized) await ds.destroy();
    await sandbox.close();
    await db.drop();
  });

  it('kill -9 during a burst of creates, restart: every upstream task attached or reported, nothing left submitting', async () => {
    child = await startChildGateway({ sandbox, database: db.config, env: ENV });
    const tenant = await json(`${child.url}/admin/tenants`, {
      method: 'POST',
      token: ADMIN_TOKEN,
      body: JSON.stringify({ name: 'burst', media_policy: 'any' }),
    });
    const token = (
      await json(`${child.url}/admin/tenants/${tenant.body.id}/tokens`, { method: 'POST', token: ADMIN_TOKEN, body: JSON.stringify({ name: 't' }) })
    ).body.token as string;

    const body = JSON.stringify({ model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'burst' }], resolution: '480p', duration: 4 });
    const url = child.url;
    for (let i = 0; i < 2; i++) expect((await json(`${url}${TASKS}`, { method: 'POST', token, body })).status).toBe(200); // warm
    // Every create now takes 1 s upstream (and is made even when its caller is gone), so the kill lands mid-flight.
    sandbox.control.addFault({ op: 'create', kind: 'latency', ms: 1000, times: Infinity });
    const sent = () => sandbox.control.requests().filter((r) => r.op === 'create').length;
    const burst = Array.from({ length: BURST }, () => json(`${url}${TASKS}`, { method: 'POST', token, body }).catch(() => null));
    await eventually(
      async () => sent(),
      (n) => n >= 2 + BURST / 2,
      10_000,
    );
    child.kill('SIGKILL');
    expect(await child.exited).toBe('SIGKILL');
    await Promise.all(burst);
    await new Promise((r) => setTimeout(r, 1200)); // the in-flight creates land upstream
    sandbox.control.clearFaults();

    ds = new DataSource(dataSourceOptions(db.config));
    await ds.initialize();
    const tasks = ds.getRepository(TaskEntity);
    const before = await tasks.find();
    expect(before.some((r) => r.status === 'submitting')).toBe(true); // the crash left records mid-flight

    child = await startChildGateway({ sandbox, database: db.config, env: ENV });
    const rows = await eventually(
      () => tasks.find(),
      (all) => all.every((r) => r.status !== 'submitting' && r.status !== 'unknown'),
      20_000,
    ).catch(async () => tasks.find());
    expect(rows.filter((r) => r.status === 'submitting')).toEqual([]);

    const upstream = await json(`${sandbox.dataPlaneUrl}/contents/generations/tasks?page_size=500`, { token: sandbox.apiKey });
    const made = (upstream.body.items as { id: string }[]).map((t) => t.id);
    expect(made.length).toBeGreaterThan(0);
    const view = await json(`${child.url}/admin/reconciliation`, { token: ADMIN_TOKEN });
    const attached = new Set(rows.map((r) => r.taskId).filter(Boolean));
    const orphans = new Set((view.body.orphans as { task_id: string }[]).map((o) => o.task_id));
    for (const id of made) expect(attached.has(id) || orphans.has(id)).toBe(true);
    const reported = new Set((view.body.unresolved as { record_id: string }[]).map((u) => u.record_id));
    for (const r of rows.filter((x) => x.status === 'unknown')) expect(reported.has(r.id)).toBe(true);
    // Records whose create never left the crashed process were rejected and hold no reservation.
    for (const r of rows.filter((x) => x.status === 'rejected')) expect(r.reservedNano).toBe('0');
  }, 90_000);
});
