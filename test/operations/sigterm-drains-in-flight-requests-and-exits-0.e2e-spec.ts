/**
 * docs/contract.md §9, SIGTERM: readiness 503 at once, no new sync leases claimed, the request in flight answered, leases
 * released, exit 0 within ARKGATE_SHUTDOWN_GRACE_MS. A real child process and a real signal, on SQLite (a shared
 * file) or PostgreSQL (a schema) depending on DATABASE_URL.
 */
import { startSandbox, type SandboxHandle } from '@arkgate/sandbox';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { startChildGateway } from '../support/child-gateway';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { ADMIN_TOKEN, eventually, TASKS } from '../support/test-gateway';

const GRACE_MS = 6000;
const SLOW_MS = 2500;
const BODY = { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'A paper boat on calm water.' }] };

describe(`SIGTERM drains and exits 0 (${process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'})`, () => {
  let sandbox: SandboxHandle;
  let db: TestDatabase;
  beforeAll(async () => {
    sandbox = await startSandbox();
    db = await createTestDatabase({ shareable: true });
  });
  afterAll(async () => {
    await sandbox.close();
    await db.drop();
  });

  it('answers the slow request in flight, is not ready from the signal on, claims no new leases, releases its leases and exits 0 within the grace', async () => {
    sandbox.control.holdAll('running');
    const gw = await startChildGateway({
      sandbox,
      database: db.config,
      env: {
        ARK_TIMEOUT_MS: '8000',
        ARKGATE_SHUTDOWN_GRACE_MS: String(GRACE_MS),
        ARKGATE_SYNC_ENABLED: 'true',
        ARKGATE_SYNC_BACKOFF_MS: '50',
        ARKGATE_SYNC_INTERVAL_MS: '25',
      },
    });
    try {
      const call = (method: string, path: string, token: string, body?: unknown) =>
        fetch(gw.url + path, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body ? JSON.stringify(body) : undefined,
        });
      const tenant = (await (await call('POST', '/admin/tenants', ADMIN_TOKEN, { name: 'drain' })).json()) as { id: string };
      const { token } = (await (await call('POST', `/admin/tenants/${tenant.id}/tokens`, ADMIN_TOKEN, { name: 't' })).json()) as { token: string };
      // Tasks that stay running, so the background sync keeps leasing them.
      for (let i = 0; i < 3; i++) expect((await call('POST', TASKS, token, BODY)).status).toBe(200);
      await eventually(
        async () => sandbox.control.requests().filter((r) => r.op === 'get' || r.op === 'list').length,
        (n) => n >= 6,
      );

      sandbox.control.addFault({ op: 'create', kind: 'latency', ms: SLOW_MS });
      const creates = sandbox.control.requests().filter((r) => r.op === 'create').length;
      const slow = call('POST', TASKS, token, BODY);
      await eventually(
        async () => sandbox.control.requests().filter((r) => r.op === 'create').length,
        (n) => n === creates + 1,
      );

      const signalledAt = Date.now();
      gw.kill('SIGTERM');
      const notReady = await eventually(
        async () => (await fetch(`${gw.url}/readyz`)).status,
        (s) => s === 503,
        1000,
      );
      expect(notReady).toBe(503);

      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { id: string }).id).toMatch(/^cgt-/);

      expect(await gw.exited).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(GRACE_MS);
      // No sync look-up (a GET, or a list of several tasks) started once draining had begun (allowing for the ones
      // already claimed at the signal).
      const lateGets = sandbox.control.requests().filter((r) => (r.op === 'get' || r.op === 'list') && r.at > signalledAt + 300);
      expect(lateGets).toEqual([]);
    } finally {
      gw.kill('SIGKILL');
      await gw.exited;
      sandbox.control.holdAll(null);
    }
    const ds = new DataSource(dataSourceOptions(db.config));
    await ds.initialize();
    try {
      const [{ held }] = await ds.query('SELECT COUNT(*) AS held FROM tasks WHERE lease_owner IS NOT NULL');
      expect(Number(held)).toBe(0);
      const [{ total }] = await ds.query("SELECT COUNT(*) AS total FROM tasks WHERE status IN ('queued', 'running')");
      expect(Number(total)).toBe(4);
    } finally {
      await ds.destroy();
    }
  }, 60000);
});
