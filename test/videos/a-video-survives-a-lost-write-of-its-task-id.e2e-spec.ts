/**
 * docs/contract.md §9 for the `/v1/videos` facade: the `video_…` id is reserved before the native create, bound to the task
 * record's own id, so there is no window where a created (billed) task has no video. A failing write of the video's
 * task id (a database trigger stands in for a crash between the two writes) still answers the video, every read
 * finds it through its task record, and a retry with the same Idempotency-Key yields the same video id and one
 * upstream task. A create whose answer is lost shows as a video once reconciliation finds its task; a refused
 * create leaves no reservation behind.
 */
import { DataSource } from 'typeorm';
import { VideoEntity } from '../../src/videos/video.entity';
import { eventually, startGateway, type TestGateway } from '../support/test-gateway';
import { upstreamCreates } from '../support/upstream-requests';

/** A trigger that aborts every write of a task id into a reserved video row. Returns the function removing it. */
async function failBindingVideos(gw: TestGateway): Promise<() => Promise<void>> {
  const ds = gw.app.get(DataSource);
  if (gw.db.engine === 'sqlite') {
    await ds.query(
      `CREATE TRIGGER fail_binding_videos BEFORE UPDATE OF task_id ON videos
       WHEN OLD.task_id IS NULL AND NEW.task_id IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'injected failure of the video row write'); END`,
    );
    return async () => void (await ds.query('DROP TRIGGER fail_binding_videos'));
  }
  await ds.query(
    `CREATE FUNCTION fail_binding_videos() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure of the video row write'; END $$ LANGUAGE plpgsql`,
  );
  await ds.query(
    `CREATE TRIGGER fail_binding_videos BEFORE UPDATE ON videos FOR EACH ROW
     WHEN (OLD.task_id IS NULL AND NEW.task_id IS NOT NULL) EXECUTE FUNCTION fail_binding_videos()`,
  );
  return async () => {
    await ds.query('DROP TRIGGER fail_binding_videos ON videos');
    await ds.query('DROP FUNCTION fail_binding_videos()');
  };
}

describe(`a video survives a lost write of its task id (${process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'})`, () => {
  let gw: TestGateway;
  let videos: () => Promise<VideoEntity[]>;
  beforeAll(async () => {
    gw = await startGateway({ env: { ARKGATE_RECONCILE_INLINE_MS: '0', ARKGATE_RECONCILE_INTERVAL_MS: '100' } });
    videos = () =>
      gw.app
        .get(DataSource)
        .getRepository(VideoEntity)
        .find({ order: { createdAt: 'ASC' } });
  });
  afterAll(async () => gw?.close());
  afterEach(() => gw.sandbox.control.clearFaults());

  it('the task id write fails → the create still answers its video, reads find it, the keyed retry gives the same id and one upstream task', async () => {
    const t = await gw.newTenant({ media_policy: 'any' });
    const prompt = 'a lighthouse, write lost';
    const create = () => gw.call('POST', '/v1/videos', { token: t.token, body: { prompt }, headers: { 'Idempotency-Key': 'write-lost' } });
    const restore = await failBindingVideos(gw);
    let first;
    try {
      first = await create();
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ object: 'video', status: 'queued', id: expect.stringMatching(/^video_[0-9a-f]{32}$/) });
      const rows = (await videos()).filter((v) => v.tenantId === t.id);
      expect(rows).toEqual([expect.objectContaining({ id: first.body.id, taskId: null, recordId: expect.any(String) })]);

      expect((await gw.call('GET', `/v1/videos/${first.body.id}`, { token: t.token })).body).toMatchObject({ id: first.body.id, prompt });
      expect((await gw.call('GET', '/v1/videos', { token: t.token })).body.data.map((v: { id: string }) => v.id)).toEqual([first.body.id]);

      const retry = await create();
      expect(retry.status).toBe(200);
      expect(retry.body.id).toBe(first.body.id);
    } finally {
      await restore();
    }
    expect(upstreamCreates(gw.sandbox).filter((b) => b.content[0].text === prompt)).toHaveLength(1);

    // Once the database takes writes again, the next read writes the task id.
    expect((await gw.call('GET', `/v1/videos/${first.body.id}`, { token: t.token })).status).toBe(200);
    const [row] = (await videos()).filter((v) => v.tenantId === t.id);
    const [record] = await gw.app.get(DataSource).query(`SELECT id, task_id FROM tasks WHERE tenant_id = '${t.id}'`);
    expect(row).toMatchObject({ id: first.body.id, recordId: record.id, taskId: record.task_id });
    expect(record.task_id).toMatch(/^cgt-/);
  });

  it('a create whose answer is lost answers 502, then shows as a video once reconciliation finds its task', async () => {
    const t = await gw.newTenant({ media_policy: 'any' });
    const prompt = 'a windmill, answer lost';
    gw.sandbox.control.addFault({ op: 'create', kind: 'status', status: 500, afterHandling: true });
    const res = await gw.call('POST', '/v1/videos', { token: t.token, body: { prompt } });
    expect(res.status).toBe(502);
    expect((await gw.call('GET', '/v1/videos', { token: t.token })).body.data).toEqual([]);

    const listed = await eventually(
      async () => (await gw.call('GET', '/v1/videos', { token: t.token })).body.data,
      (data: Array<{ id: string }>) => data.length > 0,
      8000,
    );
    const [made] = upstreamCreates(gw.sandbox).filter((b) => b.content[0].text === prompt);
    expect(made).toBeDefined();
    expect(listed).toEqual([expect.objectContaining({ prompt, id: (await videos()).find((v) => v.tenantId === t.id)!.id })]);
    const [record] = await gw.app.get(DataSource).query(`SELECT task_id FROM tasks WHERE tenant_id = '${t.id}'`);
    expect((await videos()).filter((v) => v.tenantId === t.id)).toEqual([expect.objectContaining({ taskId: record.task_id })]);
  });

  it('a create refused before upstream (spend limit) or by upstream (4xx) leaves no video reservation behind', async () => {
    const poor = await gw.newTenant({ media_policy: 'any', spend_limit_usd: '0.000001' });
    expect((await gw.call('POST', '/v1/videos', { token: poor.token, body: { prompt: 'too expensive' } })).status).toBe(403);
    expect((await videos()).filter((v) => v.tenantId === poor.id)).toEqual([]);

    const t = await gw.newTenant({ media_policy: 'any' });
    gw.sandbox.control.addFault({ op: 'create', kind: 'status', status: 400, body: { error: { code: 'InvalidParameter', message: 'no' } } });
    expect((await gw.call('POST', '/v1/videos', { token: t.token, body: { prompt: 'refused upstream' } })).status).toBe(400);
    expect((await videos()).filter((v) => v.tenantId === t.id)).toEqual([]);
  });
});
