import { closedPort, failure } from './client.test-support';
import { startSandbox, type SandboxHandle } from '@arkgate/sandbox';
import { ArkDataClient } from './ark-data-client';
import { ArkApiError, ArkUnavailableError } from './ark-errors';

const textTask = (extra: Record<string, unknown> = {}) => ({
  model: 'dreamina-seedance-2-0-260128',
  content: [{ type: 'text', text: 'A paper boat on calm water.' }],
  ...extra,
});

describe('ArkDataClient against the sandbox', () => {
  let sandbox: SandboxHandle;
  let client: ArkDataClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, queuedMs: 60_000, runningMs: 60_000 });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.control.reset();
    client = new ArkDataClient({ baseUrl: `${sandbox.dataPlaneUrl}/`, apiKey: sandbox.apiKey, timeoutMs: 200 });
  });

  it('creates a task and sends the bearer key, JSON and the client request id upstream', async () => {
    const created = await client.createTask(textTask({ safety_identifier: 'user-hash-001' }), { requestId: 'req-123' });

    expect(created).toEqual({ id: expect.stringMatching(/^cgt-\d{14}-[a-z0-9]{5}$/), safety_identifier: 'user-hash-001' });
    const [request] = sandbox.control.requests();
    expect(request).toMatchObject({
      method: 'POST',
      path: '/api/v3/contents/generations/tasks',
      body: textTask({ safety_identifier: 'user-hash-001' }),
    });
    expect(request.headers).toMatchObject({
      authorization: `Bearer ${sandbox.apiKey}`,
      'content-type': 'application/json',
      'x-client-request-id': 'req-123',
    });
  });

  it('sends no X-Client-Request-Id when none is given', async () => {
    await client.createTask(textTask());
    expect(sandbox.control.requests()[0].headers['x-client-request-id']).toBeUndefined();
  });

  it('gets a task, following it to success', async () => {
    const { id } = await client.createTask(textTask({ duration: 4, resolution: '480p' }));
    expect(await client.getTask(id)).toMatchObject({ id, status: 'queued', content: {} });

    sandbox.control.forceOutcome(id, 'succeeded');
    const task = await client.getTask(id, { requestId: 'poll-1' });

    expect(task).toMatchObject({ id, status: 'succeeded', usage: { completion_tokens: 40594, total_tokens: 40594 }, framespersecond: 24 });
    expect(task.content?.video_url).toBe(`${sandbox.url}/files/${id}.mp4`);
    expect(sandbox.control.requests().at(-1)?.headers['x-client-request-id']).toBe('poll-1');
  });

  it('URL-encodes ids in paths', async () => {
    const error = await failure(client.getTask('a/b?c'));
    expect(error).toBeInstanceOf(ArkApiError);
    expect(sandbox.control.requests()[0].path).toBe('/api/v3/contents/generations/tasks/a%2Fb%3Fc');
  });

  it('lists tasks with every filter as upstream query parameters', async () => {
    const first = await client.createTask(textTask());
    const second = await client.createTask(textTask());
    sandbox.control.clearRequests();

    const list = await client.listTasks({
      page_num: 1,
      page_size: 10,
      status: 'queued',
      task_ids: [first.id, second.id],
      model: 'dreamina-seedance-2-0-260128',
      service_tier: 'default',
    });

    expect(list.total).toBe(2);
    expect(list.items.map((task) => task.id)).toEqual([second.id, first.id]);
    expect(sandbox.control.requests()[0].query).toEqual({
      page_num: '1',
      page_size: '10',
      'filter.status': 'queued',
      'filter.task_ids': [first.id, second.id],
      'filter.model': 'dreamina-seedance-2-0-260128',
      'filter.service_tier': 'default',
    });
  });

  it('lists with no query string when the query is empty', async () => {
    await client.listTasks({});
    expect(sandbox.control.requests()[0].query).toEqual({});
  });

  it('deletes (cancels) a queued task', async () => {
    const { id } = await client.createTask(textTask());
    await expect(client.deleteTask(id)).resolves.toBeUndefined();
    expect((await client.getTask(id)).status).toBe('cancelled');
  });

  it('turns a 4xx into ArkApiError carrying the status and the exact body', async () => {
    const running = await client.createTask(textTask());
    sandbox.control.setClock({ queuedMs: 0 });

    const error = await failure(client.deleteTask(running.id));

    expect(error).toBeInstanceOf(ArkApiError);
    expect(error).toMatchObject({
      status: 409,
      code: 'InvalidAction.RunningTaskDeletion',
      body: {
        error: {
          code: 'InvalidAction.RunningTaskDeletion',
          message: `Cannot delete task \`${running.id}\` because it is currently running.`,
          param: '',
          type: 'Conflict',
        },
      },
    });
  });

  it('keeps a validation error body as sent', async () => {
    const error = await failure(client.createTask(textTask({ duration: 3 })));
    expect(error).toBeInstanceOf(ArkApiError);
    expect((error as ArkApiError).status).toBe(400);
    expect((error as ArkApiError).body).toEqual({
      error: expect.objectContaining({ code: 'InvalidParameter', param: 'duration', type: 'BadRequest' }),
    });
  });

  it('keeps a 4xx body that is not JSON as text', async () => {
    sandbox.control.addFault({ op: 'get', kind: 'status', status: 403, body: 'forbidden, plainly' });
    const error = await failure(client.getTask('cgt-x'));
    expect(error).toBeInstanceOf(ArkApiError);
    expect(error).toMatchObject({ status: 403, body: 'forbidden, plainly', code: undefined });
  });

  it('answers a wrong key with ArkApiError 401', async () => {
    const stranger = new ArkDataClient({ baseUrl: sandbox.dataPlaneUrl, apiKey: 'wrong', timeoutMs: 1000 });
    const error = await failure(stranger.listTasks({}));
    expect(error).toMatchObject({ status: 401, code: 'AuthenticationError' });
  });

  it('turns a 500 into ArkUnavailableError server_error', async () => {
    sandbox.control.addFault({ op: 'create', kind: 'status', status: 500 });
    const error = await failure(client.createTask(textTask()));
    expect(error).toBeInstanceOf(ArkUnavailableError);
    expect(error).toMatchObject({ reason: 'server_error', status: 500 });
  });

  it('turns a 503 into ArkUnavailableError server_error', async () => {
    sandbox.control.addFault({ op: 'list', kind: 'status', status: 503, body: { error: { code: 'ServerOverloaded' } } });
    expect(await failure(client.listTasks({}))).toMatchObject({ reason: 'server_error', status: 503 });
  });

  it('turns a reset connection into ArkUnavailableError network', async () => {
    sandbox.control.addFault({ op: 'get', kind: 'reset' });
    const error = await failure(client.getTask('cgt-x'));
    expect(error).toBeInstanceOf(ArkUnavailableError);
    expect(error).toMatchObject({ reason: 'network', requestSent: true });
  });

  it('says a request may have been sent when the answer to a create was lost after it took effect', async () => {
    sandbox.control.addFault({ op: 'create', kind: 'reset', afterHandling: true });
    expect(await failure(client.createTask(textTask()))).toMatchObject({ reason: 'network', requestSent: true });
    sandbox.control.addFault({ op: 'create', kind: 'status', status: 502, afterHandling: true });
    expect(await failure(client.createTask(textTask()))).toMatchObject({ reason: 'server_error', requestSent: true });
  });

  it('turns an answer later than timeoutMs into ArkUnavailableError timeout', async () => {
    sandbox.control.addFault({ op: 'delete', kind: 'hang' });
    const started = Date.now();
    const error = await failure(client.deleteTask('cgt-x'));
    expect(error).toBeInstanceOf(ArkUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout', requestSent: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out on a slow answer too', async () => {
    sandbox.control.addFault({ op: 'list', kind: 'latency', ms: 1000 });
    expect(await failure(client.listTasks({}))).toMatchObject({ reason: 'timeout' });
  });

  it('turns a refused connection into ArkUnavailableError network', async () => {
    const port = await closedPort();
    const nowhere = new ArkDataClient({ baseUrl: `http://127.0.0.1:${port}/api/v3`, apiKey: 'k', timeoutMs: 1000 });
    const error = await failure(nowhere.getTask('cgt-x'));
    expect(error).toBeInstanceOf(ArkUnavailableError);
    expect(error).toMatchObject({ reason: 'network', requestSent: false });
  });

  it.each([
    ['create', 'not json at all', (c: ArkDataClient) => c.createTask(textTask())],
    ['create', { task: 'cgt-1' }, (c: ArkDataClient) => c.createTask(textTask())],
    ['get', { id: 'cgt-1', status: 'finished' }, (c: ArkDataClient) => c.getTask('cgt-1')],
    ['get', { id: 'cgt-1', status: 'succeeded', usage: { completion_tokens: 'many' } }, (c: ArkDataClient) => c.getTask('cgt-1')],
    ['list', { items: {}, total: 0 }, (c: ArkDataClient) => c.listTasks({})],
    ['list', { items: [], total: 'none' }, (c: ArkDataClient) => c.listTasks({})],
    ['delete', [], (c: ArkDataClient) => c.deleteTask('cgt-1')],
  ])('turns a 200 %s answer of the wrong shape (%j) into ArkUnavailableError bad_response', async (op, body, call) => {
    sandbox.control.addFault({ op, kind: 'status', status: 200, body });
    const error = await failure(call(client));
    expect(error).toBeInstanceOf(ArkUnavailableError);
    expect(error).toMatchObject({ reason: 'bad_response' });
  });

  it('accepts an empty 2xx body on delete', async () => {
    sandbox.control.addFault({ op: 'delete', kind: 'status', status: 200, body: '' });
    await expect(client.deleteTask('cgt-1')).resolves.toBeUndefined();
  });

  it("rejects with the caller's abort reason, not as unavailable", async () => {
    sandbox.control.addFault({ op: 'get', kind: 'hang' });
    const patient = new ArkDataClient({ baseUrl: sandbox.dataPlaneUrl, apiKey: sandbox.apiKey, timeoutMs: 5000 });
    const controller = new AbortController();
    const call = patient.getTask('cgt-x', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    const error = await failure(call);
    expect(error).not.toBeInstanceOf(ArkUnavailableError);
    expect((error as Error).message).toBe('shutting down');
  });

  it('refuses an empty task id without calling upstream', async () => {
    await expect(client.getTask('')).rejects.toThrow(TypeError);
    expect(sandbox.control.requests()).toHaveLength(0);
  });
});
