import { CREATE_EXAMPLES } from '../../src/tasks/dto/task-examples';
import { ADMIN_TOKEN, eventually, startGateway, type TestGateway } from '../support/test-gateway';

const TASKS = '/volcark/api/v3/contents/generations/tasks';

/** Every metric name docs/contract.md §12 promises. */
const CONTRACT_NAMES = [
  'arkgate_http_requests_total',
  'arkgate_http_request_duration_seconds',
  'arkgate_upstream_requests_total',
  'arkgate_tasks',
  'arkgate_task_settle_lag_seconds',
  'arkgate_unreconciled_tasks',
  'arkgate_ledger_charges_total',
  'arkgate_redis_fallbacks',
  'process_cpu_seconds_total',
  'nodejs_heap_size_used_bytes',
];

describe('request log and /metrics', () => {
  let gw: TestGateway;
  const lines: string[] = [];
  let tenant: { id: string; token: string };
  let taskId: string;

  beforeAll(async () => {
    gw = await startGateway({ env: { LOG_FORMAT: 'json', LOG_LEVEL: 'info' }, logStream: { write: (line: string) => lines.push(line) } });
    tenant = await gw.newTenant();
    const created = await gw.call('POST', TASKS, { token: tenant.token, body: CREATE_EXAMPLES.fast480p.value });
    expect(created.status).toBe(200);
    taskId = created.body.id;
    // Fetched until it succeeds, so the settle lag and the charge are recorded.
    await eventually(
      () => gw.call('GET', `${TASKS}/${taskId}`, { token: tenant.token }),
      (r) => r.body?.status === 'succeeded',
    );
  });
  afterAll(async () => gw?.close());

  it('exposes every contract metric name after one create and one GET', async () => {
    const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of CONTRACT_NAMES) expect(text).toMatch(new RegExp(`^${name}(_bucket|_count)?[{ ]`, 'm'));
    expect(text).toMatch(/^arkgate_http_requests_total\{method="POST",route="\/volcark\/api\/v3\/contents\/generations\/tasks",status="200"\} 1$/m);
    expect(text).toMatch(/^arkgate_http_requests_total\{method="GET",route="\/volcark\/api\/v3\/contents\/generations\/tasks\/:task_id",status="200"\} \d+$/m);
    expect(text).toMatch(/^arkgate_upstream_requests_total\{plane="data",operation="createTask",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^arkgate_tasks\{status="succeeded"\} [1-9]/m);
    expect(text).toMatch(/^arkgate_ledger_charges_total\{sku="[^"]+"\} 1$/m);
    expect(text).toMatch(/^arkgate_task_settle_lag_seconds_count 1$/m);
    // Route templates only: no task id, no tenant id anywhere in the labels.
    expect(text).not.toContain(taskId);
    expect(text).not.toContain(tenant.id);
  });

  it('refuses /metrics to a tenant token and to no token', async () => {
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${tenant.token}` } })).status).toBe(403);
  });

  it('logs one JSON line per request with request id, tenant id, method, route template, status and duration', async () => {
    const res = await gw.call('GET', `${TASKS}/${taskId}`, { token: tenant.token, headers: { 'x-client-request-id': 'log-probe-1' } });
    expect(res.status).toBe(200);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const entry = entries.find((e) => e.request_id === 'log-probe-1');
    expect(entry).toMatchObject({
      tenant_id: tenant.id,
      method: 'GET',
      route: '/volcark/api/v3/contents/generations/tasks/:task_id',
      status: 200,
    });
    expect(typeof entry?.duration_ms).toBe('number');
    expect(entries.filter((e) => e.request_id === 'log-probe-1')).toHaveLength(1);
  });

  it('never writes a token, a key, a body or a raw URL into the log', async () => {
    await gw.call('GET', '/nowhere/secret-path', { token: 'oh-not-a-real-token-0123456789' });
    await gw.call('POST', TASKS, { token: tenant.token, body: { model: 'nope', content: [{ type: 'text', text: 'a body that must not be logged' }] } });
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [tenant.token, ADMIN_TOKEN, 'oh-not-a-real-token-0123456789', gw.sandbox.apiKey, 'a body that must not be logged', 'secret-path']) {
      expect(log).not.toContain(secret);
    }
  });

  it('sends no ETag, as BytePlus does not: a client If-None-Match still gets the task, never a 304', async () => {
    const first = await gw.call('GET', `${TASKS}/${taskId}`, { token: tenant.token });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBeNull();
    const again = await gw.call('GET', `${TASKS}/${taskId}`, { token: tenant.token, headers: { 'if-none-match': 'W/"anything"' } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(taskId);
  });

  it('sends / to the API docs and does not advertise Express', async () => {
    const res = await fetch(`${gw.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/docs');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
