import { startSandbox, type SandboxHandle } from './sandbox-server';

const TASKS = '/api/v3/contents/generations/tasks';
const body = JSON.stringify({ model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'x' }] });

describe('sandbox server', () => {
  let sandbox: SandboxHandle;
  let auth: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, apiKey: 'test-key' });
    auth = { Authorization: 'Bearer test-key' };
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => sandbox.control.reset());

  const create = () => fetch(`${sandbox.url}${TASKS}`, { method: 'POST', headers: auth, body });
  const list = () => fetch(`${sandbox.url}${TASKS}`, { headers: auth });
  const taskCount = async () => ((await (await list()).json()) as { total: number }).total;

  it('reports where it listens', () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.dataPlaneUrl).toBe(`${sandbox.url}/api/v3`);
    expect(sandbox.apiKey).toBe('test-key');
  });

  it('records data-plane requests with method, path, query, headers, body and time', async () => {
    const before = Date.now();
    await create();
    await fetch(`${sandbox.url}${TASKS}?filter.task_ids=a&filter.task_ids=b&page_size=5`, { headers: { ...auth, 'X-Client-Request-Id': 'r-9' } });
    const [created, listed] = sandbox.control.requests();

    expect(created).toMatchObject({ method: 'POST', path: TASKS, query: {}, body: JSON.parse(body), op: 'create' });
    expect(created.headers.authorization).toBe('Bearer test-key');
    expect(created.at).toBeGreaterThanOrEqual(before);
    expect(listed).toMatchObject({ method: 'GET', op: 'list', query: { 'filter.task_ids': ['a', 'b'], page_size: '5' }, body: undefined });
    expect(listed.headers['x-client-request-id']).toBe('r-9');

    sandbox.control.clearRequests();
    expect(sandbox.control.requests()).toEqual([]);
  });

  it('records requests refused for auth too', async () => {
    await fetch(`${sandbox.url}${TASKS}`);
    expect(sandbox.control.requests()).toEqual([expect.objectContaining({ op: 'list' })]);
  });

  it('answers paths of no surface with a 404 error body', async () => {
    const response = await fetch(`${sandbox.url}/nothing/here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: expect.objectContaining({ code: 'NotFound', type: 'NotFound' }) });
  });

  describe('faults', () => {
    it('answers with a status fault instead of serving, once by default', async () => {
      sandbox.control.addFault({ op: 'create', kind: 'status' });
      const failed = await create();
      expect(failed.status).toBe(500);
      expect(await failed.json()).toEqual({
        error: { code: 'InternalServiceError', message: expect.any(String), param: '', type: 'InternalServiceError' },
      });
      expect(await taskCount()).toBe(0);
      expect((await create()).status).toBe(200);
    });

    it('answers with the given status and body, as many times as asked', async () => {
      sandbox.control.addFault({ op: 'get', kind: 'status', status: 429, body: { error: { code: 'RateLimitExceeded' } }, times: 2 });
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${sandbox.url}${TASKS}/cgt-1`, { headers: auth });
        expect(response.status).toBe(429);
        expect(await response.json()).toEqual({ error: { code: 'RateLimitExceeded' } });
      }
      expect((await fetch(`${sandbox.url}${TASKS}/cgt-1`, { headers: auth })).status).toBe(404);
    });

    it('strikes only its operation, or every one with op any', async () => {
      sandbox.control.addFault({ op: 'delete', kind: 'status', status: 502 });
      expect((await list()).status).toBe(200);
      expect((await fetch(`${sandbox.url}${TASKS}/cgt-1`, { method: 'DELETE', headers: auth })).status).toBe(502);
      sandbox.control.addFault({ op: 'any', kind: 'status', status: 503, times: Infinity });
      expect((await list()).status).toBe(503);
      expect((await create()).status).toBe(503);
      expect((await fetch(`${sandbox.url}/_sandbox/clock`)).status).toBe(200);
    });

    it('resets the connection', async () => {
      sandbox.control.addFault({ op: 'list', kind: 'reset' });
      await expect(list()).rejects.toThrow('fetch failed');
      expect((await list()).status).toBe(200);
    });

    it('delays the answer with latency, then serves', async () => {
      sandbox.control.addFault({ op: 'list', kind: 'latency', ms: 150 });
      const started = Date.now();
      const response = await list();
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('hangs until the client gives up', async () => {
      sandbox.control.addFault({ op: 'create', kind: 'hang' });
      await expect(fetch(`${sandbox.url}${TASKS}`, { method: 'POST', headers: auth, body, signal: AbortSignal.timeout(150) })).rejects.toThrow();
      expect(await taskCount()).toBe(0);
    });

    it('strikes after the request took effect with afterHandling', async () => {
      sandbox.control.addFault({ op: 'create', kind: 'reset', afterHandling: true });
      await expect(create()).rejects.toThrow('fetch failed');
      expect(await taskCount()).toBe(1);
      sandbox.control.addFault({ op: 'create', kind: 'status', status: 500, afterHandling: true });
      expect((await create()).status).toBe(500);
      expect(await taskCount()).toBe(2);
    });

    it('refuses malformed faults', () => {
      expect(() => sandbox.control.addFault({ op: 'get', kind: 'latency' })).toThrow(/ms/);
      expect(() => sandbox.control.addFault({ op: 'get', kind: 'status', status: 99 })).toThrow(/status/);
      expect(() => sandbox.control.addFault({ op: 'get', kind: 'status', times: 0 })).toThrow(/times/);
      expect(() => sandbox.control.addFault({ op: '', kind: 'hang' })).toThrow(/op/);
    });
  });

  it('close ends hanging connections and resolves', async () => {
    const other = await startSandbox({ port: 0 });
    other.control.addFault({ op: 'list', kind: 'hang' });
    other.control.addFault({ op: 'get', kind: 'latency', ms: 60_000 });
    const outcome = (url: string) =>
      fetch(url, { headers: { Authorization: `Bearer ${other.apiKey}` } }).then(
        () => 'answered',
        () => 'connection ended',
      );
    const hanging = outcome(`${other.dataPlaneUrl}/contents/generations/tasks`);
    const slow = outcome(`${other.dataPlaneUrl}/contents/generations/tasks/x`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await other.close();
    expect(await hanging).toBe('connection ended');
    expect(await slow).toBe('connection ended');
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(fetch(`${other.url}/_sandbox/clock`)).rejects.toThrow();
  });

  it('fails to start on a port in use', async () => {
    const port = Number(new URL(sandbox.url).port);
    await expect(startSandbox({ port })).rejects.toThrow(/EADDRINUSE/);
  });
});
