import { eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';

/**
 * The list's `total` (docs/contract.md §3) comes from counters the database keeps as tasks are written. Through the
 * real HTTP surface, every total equals what listing every item shows: per status, as a task goes queued → running →
 * succeeded, never for refused or unresolved creates, no longer once deleted (hidden), and never another tenant's.
 */
describe('the list total counts only what the tenant sees', () => {
  let gw: TestGateway;
  let a: { id: string; token: string };
  let b: { id: string; token: string };

  beforeAll(async () => {
    gw = await startGateway();
    a = await gw.newTenant({ media_policy: 'any' });
    b = await gw.newTenant({ media_policy: 'any' });
  });
  afterAll(async () => gw?.close());
  afterEach(() => {
    gw.sandbox.control.clearFaults();
    gw.sandbox.control.holdAll(null);
  });

  const body = {
    model: 'dreamina-seedance-2-0-fast',
    content: [{ type: 'text', text: 'A quiet cinematic shot of a paper boat floating on calm water.' }],
    duration: 4,
    resolution: '480p',
  };
  const create = (token: string) => gw.call('POST', TASKS, { token, body });
  const created = async (token: string): Promise<string> => {
    const res = await create(token);
    expect(res.status).toBe(200);
    return res.body.id as string;
  };
  const getUntil = (token: string, id: string, status: string) =>
    eventually(
      () => gw.call('GET', `${TASKS}/${id}`, { token }),
      (r) => r.body.status === status,
    );
  const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'expired', 'cancelled'];

  /** Each total the list answers (no filter, then each status), checked against the items of a full listing. */
  const totals = async (token: string): Promise<Record<string, number>> => {
    const all = await gw.call('GET', `${TASKS}?page_size=500`, { token });
    expect(all.status).toBe(200);
    const items = all.body.items as { status: string }[];
    expect(all.body.total).toBe(items.length);
    const out: Record<string, number> = { all: all.body.total };
    for (const status of STATUSES) {
      const page = await gw.call('GET', `${TASKS}?filter.status=${status}&page_size=1`, { token });
      expect(page.body.total).toBe(items.filter((i) => i.status === status).length);
      out[status] = page.body.total;
    }
    return out;
  };

  it('follows a task from queued through running to succeeded, then out of the total when deleted', async () => {
    gw.sandbox.control.holdAll('queued');
    const id = await created(a.token);
    expect(await totals(a.token)).toMatchObject({ all: 1, queued: 1, running: 0, succeeded: 0 });
    gw.sandbox.control.hold(id, 'running');
    await getUntil(a.token, id, 'running');
    expect(await totals(a.token)).toMatchObject({ all: 1, queued: 0, running: 1, succeeded: 0 });
    gw.sandbox.control.release(id);
    await getUntil(a.token, id, 'succeeded');
    expect(await totals(a.token)).toMatchObject({ all: 1, queued: 0, running: 0, succeeded: 1 });
    expect((await gw.call('DELETE', `${TASKS}/${id}`, { token: a.token })).status).toBe(200);
    expect(await totals(a.token)).toMatchObject({ all: 0, succeeded: 0 });
  });

  it('a refused create and one whose outcome is unknown never count', async () => {
    const before = await totals(a.token);
    gw.sandbox.control.addFault({ op: 'create', kind: 'status', status: 400 });
    expect((await create(a.token)).status).toBe(400);
    gw.sandbox.control.addFault({ op: 'create', kind: 'status', status: 500 });
    expect((await create(a.token)).status).toBe(502);
    expect(await totals(a.token)).toEqual(before);
  });

  it('a cancelled (deleted while queued) and a failed task count in their own statuses', async () => {
    const before = await totals(a.token);
    gw.sandbox.control.holdAll('queued');
    const cancelled = await created(a.token);
    expect((await gw.call('DELETE', `${TASKS}/${cancelled}`, { token: a.token })).status).toBe(200);
    gw.sandbox.control.holdAll(null);
    const failed = await created(a.token);
    gw.sandbox.control.forceOutcome(failed, 'failed');
    await getUntil(a.token, failed, 'failed');
    expect(await totals(a.token)).toMatchObject({
      all: before.all + 2,
      queued: before.queued,
      cancelled: before.cancelled + 1,
      failed: before.failed + 1,
    });
  });

  it("tenant B's tasks never count in tenant A's total, nor A's in B's", async () => {
    const mineBefore = await totals(a.token);
    const theirs = [await created(b.token), await created(b.token)];
    for (const id of theirs) await getUntil(b.token, id, 'succeeded');
    expect(await totals(a.token)).toEqual(mineBefore);
    expect(await totals(b.token)).toMatchObject({ all: 2, succeeded: 2 });
  });
});
