/**
 * docs/contract.md §9: a create that certainly never reached the upstream (connection refused) is definitely refused:
 * `rejected` at once, its spend reservation and Idempotency-Key released, nothing left to reconcile.
 */
import { createServer } from 'node:net';
import { records } from '../support/reconciliation';
import { startGateway, TASKS, type TestGateway } from '../support/test-gateway';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const body = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'a quiet harbour' }], resolution: '720p', ratio: '16:9', duration: 5 };

describe('a create that never reached upstream is rejected and released', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    const port = await closedPort();
    gw = await startGateway({ env: { ARK_BASE_URL: `http://127.0.0.1:${port}/api/v3`, ARKGATE_RECONCILE_INLINE_MS: '3000' } });
  });
  afterAll(async () => gw?.close());

  it('connection refused → 502 at once, record rejected, reservation and key released, nothing unresolved', async () => {
    // Room for one reservation only: a leaked one would refuse the second attempt with spend_limit_exceeded.
    const t = await gw.newTenant({ media_policy: 'any', spend_limit_usd: '0.70' });
    const create = () => gw.call('POST', TASKS, { token: t.token, body, headers: { 'Idempotency-Key': 'never-sent' } });
    const started = Date.now();
    const first = await create();
    expect(first.status).toBe(502);
    expect(Date.now() - started).toBeLessThan(2500); // no inline search for a create that was never made
    const second = await create();
    expect(second.status).toBe(502); // the key was released: a new attempt, not 409 in progress
    const rows = await records(gw, t.id);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.status === 'rejected' && r.reservedNano === '0' && r.taskId === null)).toBe(true);
    const view = await gw.admin('GET', '/admin/reconciliation');
    expect(view.status).toBe(200);
    expect(view.body.unresolved.filter((u: { tenant_id: string }) => u.tenant_id === t.id)).toEqual([]);
    expect(view.body.orphans).toBeNull();
    expect(view.body.upstream_listing_error).toEqual(expect.any(String));
  });
});
