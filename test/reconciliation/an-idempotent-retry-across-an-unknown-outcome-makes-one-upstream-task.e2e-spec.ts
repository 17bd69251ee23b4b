/**
 * docs/contract.md §9: an Idempotency-Key retried while its create's outcome is unknown gets 409 idempotency_key_in_progress
 * with Retry-After, and once resolved the recovered task's id — never a second upstream task.
 */
import { records } from '../support/reconciliation';
import { eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';
import { upstreamCreates } from '../support/upstream-requests';

const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'rain on a tin roof' }], resolution: '480p', duration: 4 };

describe('an idempotent retry across an unknown outcome makes one upstream task', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { ARKGATE_RECONCILE_INLINE_MS: '0', ARKGATE_RECONCILE_INTERVAL_MS: '200', ARKGATE_RECONCILE_GRACE_MS: '1000' } });
  });
  afterAll(async () => gw?.close());

  it('409 with Retry-After while unknown, then the recovered id; the sandbox saw exactly one create', async () => {
    const t = await gw.newTenant({ media_policy: 'any' });
    const create = () => gw.call('POST', TASKS, { token: t.token, body, headers: { 'Idempotency-Key': 'order-77' } });
    // Listing fails for now, so the outcome stays unknown while the retries arrive.
    gw.sandbox.control.addFault({ op: 'list', kind: 'status', status: 500, times: Infinity });
    gw.sandbox.control.addFault({ op: 'create', kind: 'reset', afterHandling: true });

    const first = await create();
    expect(first.status).toBe(502);
    for (let i = 0; i < 3; i++) {
      const retry = await create();
      expect(retry.status).toBe(409);
      expect(retry.body.error).toMatchObject({ code: 'idempotency_key_in_progress', param: 'Idempotency-Key' });
      expect(Number(retry.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect(await records(gw, t.id)).toMatchObject([{ status: 'unknown', taskId: null }]);

    gw.sandbox.control.clearFaults();
    const resolved = await eventually(create, (r) => r.status === 200, 10_000);
    const creates = upstreamCreates(gw.sandbox).filter((b) => b.content[0].text === 'rain on a tin roof');
    expect(creates).toHaveLength(1);
    expect(gw.sandbox.control.task(resolved.body.id)).toBeDefined();
    expect((await create()).body).toEqual({ id: resolved.body.id });
    expect(await records(gw, t.id)).toHaveLength(1);
  });

  it('a key whose create never reached upstream is released: the retry is a new create', async () => {
    const t = await gw.newTenant({ media_policy: 'any' });
    const create = () => gw.call('POST', TASKS, { token: t.token, body, headers: { 'Idempotency-Key': 'order-78' } });
    gw.sandbox.control.addFault({
      op: 'create',
      kind: 'status',
      status: 429,
      body: { error: { code: 'RateLimitExceeded', message: 'slow', param: '', type: 'TooManyRequests' } },
    });
    expect((await create()).status).toBe(429);
    const retry = await create();
    expect(retry.status).toBe(200);
    expect(await records(gw, t.id)).toMatchObject([
      { status: 'rejected', reservedNano: '0' },
      { taskId: retry.body.id, status: 'queued' },
    ]);
  });
});
