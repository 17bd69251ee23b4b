import { TASK_EXAMPLE } from '../src/tasks/dto/task-examples';
import { startGateway, eventually, TASKS, type TestGateway } from './support/test-gateway';

const body = (extra: Record<string, unknown> = {}) => ({
  model: 'dreamina-seedance-2-0-fast',
  content: [{ type: 'text', text: 'A quiet cinematic shot of a paper boat floating on calm water.' }],
  duration: 4,
  ratio: '16:9',
  resolution: '480p',
  ...extra,
});

describe.each(['phanedge', 'kapon'] as const)('task lifecycle (%s profile)', (profile) => {
  let gw: TestGateway;
  let t: { id: string; token: string };

  beforeAll(async () => {
    gw = await startGateway({ profile });
    t = await gw.newTenant({ media_policy: 'any' });
  });
  afterAll(async () => gw?.close());
  afterEach(() => {
    gw.sandbox.control.clearFaults();
    gw.sandbox.control.holdAll(null);
  });

  const create = async (extra: Record<string, unknown> = {}, token = t.token) => {
    const res = await gw.call('POST', TASKS, { token, body: body(extra) });
    expect(res.status).toBe(200);
    return res.body.id as string;
  };
  const get = (id: string, token = t.token) => gw.call('GET', `${TASKS}/${id}`, { token });

  it('GET follows queued → running → succeeded and returns the docs/contract.md §3 task object', async () => {
    const id = await create({ return_last_frame: true, safety_identifier: 'user-hash-001', execution_expires_after: 3600, generate_audio: false });
    const first = await get(id);
    expect(['queued', 'running']).toContain(first.body.status);
    const done = await eventually(
      () => get(id),
      (r) => r.body.status === 'succeeded',
    );
    // docs/contract.md §3's object, at the 480p its token count belongs to (docs/contract.md §3)
    const { content: _c, created_at: _ca, updated_at: _ua, seed: _s, ...seedFields } = TASK_EXAMPLE;
    expect(done.body).toMatchObject({ ...seedFields, id, model: 'dreamina-seedance-2-0-fast', resolution: '480p' });
    expect(typeof done.body.created_at).toBe('number');
    expect(typeof done.body.updated_at).toBe('number');
    expect(typeof done.body.seed).toBe('number');
    // the result is a real MP4 and the last frame a real PNG
    const video = Buffer.from(await (await fetch(done.body.content.video_url)).arrayBuffer());
    expect(video.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const png = Buffer.from(await (await fetch(done.body.content.last_frame_url)).arrayBuffer());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('without return_last_frame there is no last_frame_url', async () => {
    const id = await create();
    const done = await eventually(
      () => get(id),
      (r) => r.body.status === 'succeeded',
    );
    expect(done.body.content.video_url).toBeDefined();
    expect(done.body.content.last_frame_url).toBeUndefined();
  });

  it('a finished task is served from the database without asking upstream again', async () => {
    const id = await create();
    await eventually(
      () => get(id),
      (r) => r.body.status === 'succeeded',
    );
    gw.sandbox.control.clearRequests();
    gw.sandbox.control.addFault({ op: 'get', kind: 'status', status: 500, times: 10 });
    const again = await get(id);
    expect(again.body.status).toBe('succeeded');
    expect(gw.sandbox.control.requests().filter((r) => r.op === 'get')).toHaveLength(0);
  });

  it('concurrent GETs of an unfinished task share one upstream call', async () => {
    const id = await create();
    gw.sandbox.control.clearRequests();
    gw.sandbox.control.addFault({ op: 'get', kind: 'latency', ms: 300 });
    const results = await Promise.all(Array.from({ length: 10 }, () => get(id)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(gw.sandbox.control.requests().filter((r) => r.op === 'get')).toHaveLength(1);
  });

  it('failed tasks report the upstream error; expired ones say expired', async () => {
    const failing = await create();
    gw.sandbox.control.forceOutcome(failing, 'failed', {
      code: 'OutputVideoSensitiveContentDetected',
      message: 'The output video may contain sensitive content.',
    });
    const failed = await eventually(
      () => get(failing),
      (r) => r.body.status === 'failed',
    );
    expect(failed.body.error).toEqual({ code: 'OutputVideoSensitiveContentDetected', message: 'The output video may contain sensitive content.' });
    const expiring = await create();
    gw.sandbox.control.forceOutcome(expiring, 'expired');
    await eventually(
      () => get(expiring),
      (r) => r.body.status === 'expired',
    );
  });

  it('while upstream is down GET answers the last known state', async () => {
    const id = await create();
    await get(id);
    gw.sandbox.control.addFault({ op: 'get', kind: 'status', status: 502, times: 5 });
    const res = await get(id);
    expect(res.status).toBe(200);
    expect(['queued', 'running']).toContain(res.body.status);
  });

  it('unknown task id → 404 task_not_found', async () => {
    const res = await get('cgt-20260611204121-zzzzz');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'task_not_found', type: 'NotFound' });
  });

  describe('list (docs/contract.md §3)', () => {
    let lister: { id: string; token: string };
    const ids: string[] = [];
    beforeAll(async () => {
      lister = await gw.newTenant({ media_policy: 'any' });
      for (let i = 0; i < 3; i++) ids.push(await create({ model: 'dreamina-seedance-2-0-fast' }, lister.token));
      ids.push(await create({ model: 'dreamina-seedance-2-0-260128', resolution: '720p' }, lister.token));
      for (const id of ids)
        await eventually(
          () => get(id, lister.token),
          (r) => r.body.status === 'succeeded',
        );
      gw.sandbox.control.holdAll('queued');
      ids.push(await create({}, lister.token));
      gw.sandbox.control.holdAll(null);
    });
    const list = (qs: string) => gw.call('GET', `${TASKS}${qs}`, { token: lister.token });

    it('returns {items, total}, newest first, only this tenant', async () => {
      const res = await list('');
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(5);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([...ids].reverse());
    });

    it('the seed example query: page 1, size 20, status succeeded, model', async () => {
      const res = await list('?page_num=1&page_size=20&filter.status=succeeded&filter.model=dreamina-seedance-2-0');
      expect(res.body.total).toBe(1);
      expect(res.body.items[0]).toMatchObject({ id: ids[3], status: 'succeeded', model: 'dreamina-seedance-2-0', service_tier: 'default' });
    });

    it('filter.model accepts an official alias', async () => {
      const res = await list('?filter.model=dreamina-seedance-2-0-fast-260128');
      expect(res.body.total).toBe(4);
    });

    it('filter.status=queued', async () => {
      const res = await list('?filter.status=queued');
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([ids[4]]);
    });

    it('pagination', async () => {
      const p1 = await list('?page_num=1&page_size=2');
      const p3 = await list('?page_num=3&page_size=2');
      expect(p1.body.items).toHaveLength(2);
      expect(p1.body.total).toBe(5);
      expect(p3.body.items.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    });

    it('filter.task_ids comma-separated and repeated', async () => {
      const comma = await list(`?filter.task_ids=${ids[0]},${ids[1]}`);
      expect(comma.body.total).toBe(2);
      const repeated = await list(`?filter.task_ids=${ids[0]}&filter.task_ids=${ids[2]}`);
      expect(repeated.body.items.map((i: { id: string }) => i.id).sort()).toEqual([ids[0], ids[2]].sort());
    });

    it.each([
      ['page_num=0', 'page_num'],
      ['page_size=0', 'page_size'],
      ['page_size=501', 'page_size'],
      ['page_num=abc', 'page_num'],
      ['filter.status=done', 'filter.status'],
      ['filter.model=seedance-2-0', 'filter.model'],
    ])('%s → 400 invalid_request', async (qs, param) => {
      const res = await list(`?${qs}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', param });
    });

    it('page_size 500 is allowed', async () => {
      expect((await list('?page_size=500')).status).toBe(200);
    });
  });

  describe('delete (docs/contract.md §3)', () => {
    it('a queued task is cancelled upstream and reads as cancelled', async () => {
      gw.sandbox.control.holdAll('queued');
      const id = await create();
      const res = await gw.call('DELETE', `${TASKS}/${id}`, { token: t.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
      expect(gw.sandbox.control.task(id)?.status ?? 'cancelled').toBe('cancelled');
      expect((await get(id)).body.status).toBe('cancelled');
    });

    it('a running task → 409 with the seed body, and it keeps running', async () => {
      gw.sandbox.control.holdAll('running');
      const id = await create();
      await eventually(
        () => get(id),
        (r) => r.body.status === 'running',
      );
      const res = await gw.call('DELETE', `${TASKS}/${id}`, { token: t.token });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        error: { code: 'InvalidAction.RunningTaskDeletion', message: 'Cannot delete task because it is currently running.', param: '', type: 'Conflict' },
      });
      expect((await get(id)).body.status).toBe('running');
    });

    it.each(['succeeded', 'failed', 'expired'] as const)('a %s task is hidden for the tenant: GET and list answer as if gone', async (outcome) => {
      const id = await create();
      if (outcome !== 'succeeded') gw.sandbox.control.forceOutcome(id, outcome);
      await eventually(
        () => get(id),
        (r) => r.body.status === outcome,
      );
      const res = await gw.call('DELETE', `${TASKS}/${id}`, { token: t.token });
      expect(res.status).toBe(200);
      expect((await get(id)).status).toBe(404);
      const listed = await gw.call('GET', `${TASKS}?filter.task_ids=${id}`, { token: t.token });
      expect(listed.body.total).toBe(0);
      expect((await gw.call('DELETE', `${TASKS}/${id}`, { token: t.token })).status).toBe(404);
    });

    it('an unknown task → 404 task_not_found', async () => {
      const res = await gw.call('DELETE', `${TASKS}/cgt-20260611204121-zzzzz`, { token: t.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('task_not_found');
    });
  });
});
