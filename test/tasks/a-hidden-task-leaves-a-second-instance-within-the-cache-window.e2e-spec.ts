import { FINISHED_TASK_CACHE_MS } from '../../src/tasks/finished-task-cache';
import { CREATE_EXAMPLES } from '../../src/tasks/dto/task-examples';
import { twoInstancesForSuite } from '../support/two-instances';
import { eventually, TASKS } from '../support/test-gateway';

/**
 * README: a finished task is answered from memory for up to ~2 s (FinishedTaskCache). A DELETE that hides it takes effect
 * at once on the instance that made it and within that window on every other one; a cached task is never another
 * tenant's answer. Two gateway processes on one database: this test process (A) and a child process (B).
 */
describe('a hidden task leaves a second instance within the cache window', () => {
  const two = twoInstancesForSuite();

  const getOn = async (url: string, token: string, id: string) => {
    const res = await fetch(`${url}${TASKS}/${id}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { id?: string; status?: string; error?: { code: string } } };
  };

  async function finishedTask(token: string): Promise<string> {
    const created = await two.a.call('POST', TASKS, { token, body: CREATE_EXAMPLES.fast480p.value });
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    await eventually(
      () => getOn(two.a.url, token, id),
      (r) => r.body.status === 'succeeded',
    );
    return id;
  }

  it('hidden through A: A answers 404 at once, B within the window and from then on', async () => {
    const t = await two.a.newTenant();
    const id = await finishedTask(t.token);
    // Both instances hold it now (each answered it as finished).
    for (const url of [two.a.url, two.b.url]) expect((await getOn(url, t.token, id)).body).toMatchObject({ id, status: 'succeeded' });

    const since = Date.now();
    expect((await two.a.call('DELETE', `${TASKS}/${id}`, { token: t.token })).status).toBe(200);
    expect((await getOn(two.a.url, t.token, id)).status).toBe(404);
    let afterMs: number;
    for (;;) {
      const r = await getOn(two.b.url, t.token, id);
      if (r.status === 404) {
        afterMs = Date.now() - since;
        break;
      }
      expect(r.status).toBe(200);
      if (Date.now() - since > FINISHED_TASK_CACHE_MS + 10_000) throw new Error('B still answers the hidden task');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(afterMs).toBeLessThanOrEqual(FINISHED_TASK_CACHE_MS + 1500);
    for (let i = 0; i < 3; i++) expect((await getOn(two.b.url, t.token, id)).status).toBe(404);
  });

  it("a task held for its tenant is another tenant's 404 on both instances", async () => {
    const owner = await two.a.newTenant();
    const other = await two.a.newTenant();
    const id = await finishedTask(owner.token);
    for (const url of [two.a.url, two.b.url]) {
      expect((await getOn(url, owner.token, id)).status).toBe(200);
      const r = await getOn(url, other.token, id);
      expect(r.status).toBe(404);
      expect(JSON.stringify(r.body)).not.toContain('succeeded');
      expect((await fetch(`${url}${TASKS}/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${other.token}` } })).status).toBe(404);
      expect((await getOn(url, owner.token, id)).status).toBe(200);
    }
  });
});
