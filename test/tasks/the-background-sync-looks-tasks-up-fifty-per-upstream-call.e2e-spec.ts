import { DataSource, In, IsNull, Not } from 'typeorm';
import type { RecordedRequest } from '@arkgate/sandbox';
import { TaskEntity } from '../../src/tasks/task.entity';
import { ledger } from '../support/billing';
import { createTasks, eventually, startGateway, type TestGateway } from '../support/test-gateway';
import { testTenantId } from '../support/tenant-id';

/**
 * The background sync looks tasks up many at a time: one upstream list call with `filter.task_ids` (at most 50 ids)
 * instead of one GET per task, so a backlog settles within the upstream call budget. A task the list does not return
 * is asked for alone (one upstream forgot is found expired); a list upstream refuses falls back to one GET per task;
 * a list that fails backs off and is tried again. A backlog of several rounds is claimed while the rounds before
 * wait for upstream, and an instance stopped with rounds under way ends every lease it holds. Every success is charged
 * exactly once throughout.
 */
describe('the background sync looks tasks up fifty per upstream call', () => {
  let gw: TestGateway;
  let t: { id: string; token: string };
  const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'harbour' }], resolution: '480p', duration: 5 };

  beforeAll(async () => {
    gw = await startGateway({ sync: true, sandbox: { queuedMs: 100, runningMs: 200 } });
    t = await gw.newTenant({ media_policy: 'any', rate_limit_per_minute: 100000 });
  });
  afterAll(async () => gw?.close());
  afterEach(() => {
    gw.sandbox.control.clearFaults();
    gw.sandbox.control.holdAll(null);
  });

  const tasks = () => gw.app.get(DataSource).getRepository(TaskEntity);

  /** Every record due in an hour and not leased (retried until no look in flight moves one back or holds its lease). */
  const parkAll = (ids: string[]) =>
    eventually(
      async () => {
        await tasks().update({ taskId: In(ids) }, { nextSyncAt: Date.now() + 3_600_000 });
        await new Promise((r) => setTimeout(r, 200));
        return tasks().find({ where: { taskId: In(ids) } });
      },
      (rows) => rows.every((r) => (r.nextSyncAt ?? 0) > Date.now() + 1_800_000 && r.leaseOwner === null),
    );

  const createHeld = (n: number) => {
    gw.sandbox.control.holdAll('queued');
    return createTasks(gw, t.token, body, n);
  };

  const settled = (ids: string[], status = 'succeeded', timeoutMs = 30000) =>
    eventually(
      async () =>
        (await tasks().find({ where: { tenantId: testTenantId(t.id) } })).filter((r) => ids.includes(r.taskId as string) && r.status === status).length,
      (n) => n === ids.length,
      timeoutMs,
    );

  const idsOf = (r: RecordedRequest): string[] => {
    const v = r.query['filter.task_ids'];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };

  const chargedOnce = async (ids: string[]) => {
    const entries = (await ledger(gw, t.id)).filter((e) => ids.includes(e.taskId));
    expect(entries.map((e) => e.taskId).sort()).toEqual([...ids].sort());
  };

  it('120 tasks finishing together are settled with list calls of at most 50 ids, not a GET each, each charged once', async () => {
    const ids = await createHeld(120);
    gw.sandbox.control.clearRequests();
    for (const id of ids) gw.sandbox.control.release(id);
    await settled(ids);

    const looks = gw.sandbox.control.requests().filter((r) => r.op === 'list' || r.op === 'get');
    const lists = looks.filter((r) => r.op === 'list');
    for (const list of lists) {
      expect(idsOf(list).length).toBeGreaterThan(1);
      expect(idsOf(list).length).toBeLessThanOrEqual(50);
      expect(list.query.page_size).toBe(String(idsOf(list).length));
    }
    // Every task was asked for, by a list unless it was the only one due at that moment (then by a GET), and far
    // fewer calls were made than tasks (one GET each would be 120 or more).
    const asked = new Set([...lists.flatMap(idsOf), ...looks.filter((r) => r.op === 'get').map((r) => r.path.split('/').pop())]);
    expect(asked).toEqual(new Set(ids));
    expect(looks.length).toBeLessThan(ids.length / 4);
    await chargedOnce(ids);
  });

  it('a task the list does not return is asked for alone: one upstream has forgotten, past its expiry, ends expired and unpaid', async () => {
    const ids = await createHeld(3);
    const [forgotten, ...others] = ids;
    // Nothing is looked at while the scene is set.
    await parkAll(ids);
    // Upstream forgets the task (it finished and was deleted there), and the record is older than its expiry window.
    gw.sandbox.control.forceOutcome(forgotten, 'succeeded');
    const removed = await fetch(`${gw.sandbox.url}/api/v3/contents/generations/tasks/${forgotten}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${gw.sandbox.apiKey}` },
    });
    expect(removed.status).toBe(200);
    expect(gw.sandbox.control.task(forgotten)).toBeUndefined();
    await tasks().update({ taskId: forgotten }, { createdAt: Date.now() - 49 * 3_600_000 });
    for (const id of others) gw.sandbox.control.release(id);
    gw.sandbox.control.clearRequests();
    // All three due at once, so one list asks for them together.
    await tasks().update({ taskId: In(ids) }, { nextSyncAt: Date.now() });

    await settled(others);
    await settled([forgotten], 'expired');
    const requests = gw.sandbox.control.requests();
    expect(requests.some((r) => r.op === 'list' && idsOf(r).includes(forgotten))).toBe(true);
    expect(requests.some((r) => r.op === 'get' && r.path.endsWith(`/${forgotten}`))).toBe(true);
    await chargedOnce(others);
  });

  it('a list upstream refuses (400) falls back to one GET per task; the tasks settle', async () => {
    const ids = await createHeld(6);
    gw.sandbox.control.addFault({ op: 'list', kind: 'status', status: 400, body: { error: { code: 'InvalidParameter', message: 'no' } }, times: 1000 });
    gw.sandbox.control.clearRequests();
    for (const id of ids) gw.sandbox.control.release(id);
    await settled(ids);
    const gets = gw.sandbox.control.requests().filter((r) => r.op === 'get');
    for (const id of ids) expect(gets.some((r) => r.path.endsWith(`/${id}`))).toBe(true);
    await chargedOnce(ids);
  });

  it('a list that fails (503) is tried again after the back-off (not task by task); the tasks settle once each', async () => {
    const ids = await createHeld(6);
    gw.sandbox.control.addFault({ op: 'list', kind: 'status', status: 503, times: 3 });
    gw.sandbox.control.clearRequests();
    for (const id of ids) gw.sandbox.control.release(id);
    await settled(ids);
    const lists = gw.sandbox.control.requests().filter((r) => r.op === 'list');
    expect(lists.length).toBeGreaterThan(3);
    await chargedOnce(ids);
  });

  it('a backlog of several rounds (400 tasks each): the next rounds are claimed and asked for while the first waits for upstream', async () => {
    const ids = await createHeld(850);
    // Nothing due while the scene is set.
    await parkAll(ids);
    // Every list answers after 1.2 s: a sync that claimed one round at a time would ask for 400 tasks, then wait.
    const latencyMs = 1200;
    gw.sandbox.control.addFault({ op: 'list', kind: 'latency', ms: latencyMs, times: 10_000 });
    gw.sandbox.control.clearRequests();
    await tasks().update({ taskId: In(ids) }, { nextSyncAt: Date.now() });

    await eventually(
      async () =>
        new Set(
          gw.sandbox.control
            .requests()
            .filter((r) => r.op === 'list')
            .flatMap(idsOf),
        ),
      (asked) => ids.every((id) => asked.has(id)),
      30_000,
    );
    const lists = gw.sandbox.control.requests().filter((r) => r.op === 'list');
    const first = Math.min(...lists.map((r) => r.at));
    const beforeAnyAnswer = new Set(lists.filter((r) => r.at < first + latencyMs).flatMap(idsOf));
    // More than one round's worth of tasks was asked for before the first list could answer.
    expect(beforeAnyAnswer.size).toBeGreaterThan(400);
    for (const list of lists) expect(idsOf(list).length).toBeLessThanOrEqual(50);

    // The backlog then settles as before: every lease ended, each task charged once.
    gw.sandbox.control.clearFaults();
    for (const id of ids) gw.sandbox.control.release(id);
    await settled(ids, 'succeeded', 60_000);
    await eventually(
      () => tasks().countBy({ taskId: In(ids), leaseOwner: Not(IsNull()) }),
      (held) => held === 0,
    );
    await chargedOnce(ids);
  });
});

describe('an instance stopped with several rounds of the background sync under way', () => {
  let creator: TestGateway;
  const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'harbour' }], resolution: '480p', duration: 5 };

  beforeAll(async () => {
    // The instance that takes requests syncs nothing; the syncing instances share its database and sandbox.
    creator = await startGateway({ sqliteFile: true, sandbox: { queuedMs: 100, runningMs: 200 } });
  });
  afterAll(async () => creator?.close());

  it('finishes every round in hand and ends all its leases; another instance then settles each task once', async () => {
    const t = await creator.newTenant({ media_policy: 'any', rate_limit_per_minute: 100000 });
    creator.sandbox.control.holdAll('queued');
    const ids = await createTasks(creator, t.token, body, 850);
    const tasks = creator.app.get(DataSource).getRepository(TaskEntity);
    creator.sandbox.control.addFault({ op: 'list', kind: 'latency', ms: 1200, times: 10_000 });

    const syncing = await startGateway({ shared: { db: creator.db, sandbox: creator.sandbox }, sync: true });
    let closed = false;
    try {
      // Two rounds of 400 claimed at once (the second while the first waits for upstream), then the instance stops.
      await eventually(
        () => tasks.countBy({ taskId: In(ids), leaseOwner: Not(IsNull()) }),
        (held) => held >= 800,
        20_000,
      );
      await syncing.close();
      closed = true;
    } finally {
      if (!closed) await syncing.close();
    }
    expect(await tasks.countBy({ taskId: In(ids), leaseOwner: Not(IsNull()) })).toBe(0);
    expect(await tasks.countBy({ taskId: In(ids), status: 'queued' })).toBe(ids.length);

    creator.sandbox.control.clearFaults();
    creator.sandbox.control.holdAll(null);
    for (const id of ids) creator.sandbox.control.release(id);
    const next = await startGateway({ shared: { db: creator.db, sandbox: creator.sandbox }, sync: true });
    try {
      await eventually(
        () => tasks.countBy({ taskId: In(ids), status: 'succeeded' }),
        (n) => n === ids.length,
        60_000,
      );
    } finally {
      await next.close();
    }
    const entries = (await ledger(creator, t.id)).filter((e) => ids.includes(e.taskId));
    expect(entries.map((e) => e.taskId).sort()).toEqual([...ids].sort());
  });
});
