import { startGateway, TASKS, type TestGateway } from '../support/test-gateway';
import { upstreamCreates } from '../support/upstream-requests';

/** Idempotency-Key on create: same key and body → same task, one upstream call; other body → 409. */
describe('idempotent create', () => {
  let gw: TestGateway;
  let t: { id: string; token: string };
  const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'boat' }], resolution: '480p', duration: 4 };
  beforeAll(async () => {
    gw = await startGateway();
    t = await gw.newTenant({ media_policy: 'any' });
  });
  afterAll(async () => gw?.close());
  beforeEach(() => gw.sandbox.control.clearRequests());

  const create = (key: string, b: unknown = body, token = t.token) => gw.call('POST', TASKS, { token, body: b, headers: { 'Idempotency-Key': key } });

  it('the same key and body twice → the same id, one upstream task', async () => {
    const first = await create('order-1');
    const again = await create('order-1', { resolution: '480p', duration: 4, content: body.content, model: body.model });
    expect(first.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(upstreamCreates(gw.sandbox)).toHaveLength(1);
  });

  it('10 identical requests at once → one upstream task, all answered with its id', async () => {
    gw.sandbox.control.addFault({ op: 'create', kind: 'latency', ms: 200 });
    const results = await Promise.all(Array.from({ length: 10 }, () => create('burst-1')));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(upstreamCreates(gw.sandbox)).toHaveLength(1);
  });

  it('the same key with another body → 409 idempotency_key_reused, nothing sent', async () => {
    await create('order-2');
    gw.sandbox.control.clearRequests();
    const res = await create('order-2', { ...body, duration: 5 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'idempotency_key_reused', param: 'Idempotency-Key', type: 'Conflict' });
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
  });

  it('keys are per tenant', async () => {
    const other = await gw.newTenant({ media_policy: 'any' });
    const mine = await create('shared-key');
    const theirs = await create('shared-key', body, other.token);
    expect(theirs.status).toBe(200);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('after an upstream refusal the same key may be retried', async () => {
    gw.sandbox.control.addFault({
      op: 'create',
      kind: 'status',
      status: 429,
      body: { error: { code: 'RateLimitExceeded', message: 'slow down', param: '', type: 'TooManyRequests' } },
    });
    expect((await create('retry-1')).status).toBe(429);
    const retry = await create('retry-1');
    expect(retry.status).toBe(200);
    expect(upstreamCreates(gw.sandbox)).toHaveLength(2);
  });

  it('a key older than 24 h is forgotten', async () => {
    const first = await create('old-key');
    const { DataSource } = await import('typeorm');
    const { IdempotencyKeyEntity } = await import('../../src/tasks/idempotency-key.entity');
    await gw.app
      .get(DataSource)
      .getRepository(IdempotencyKeyEntity)
      .update({ key: 'old-key' }, { createdAt: Date.now() - 25 * 3600 * 1000 });
    const again = await create('old-key');
    expect(again.status).toBe(200);
    expect(again.body.id).not.toBe(first.body.id);
  });

  it('a malformed key → 400', async () => {
    const res = await create('x'.repeat(256));
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('Idempotency-Key');
  });
});
