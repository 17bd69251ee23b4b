/**
 * docs/contract.md §9, start-up: a start that fails (port in use, bad configuration) changes nothing in the database, and no
 * start revokes a token implicitly — the bootstrap admin token stays until revoked through the admin API, or is
 * replaced (old one revoked, with an audit event) when ARKGATE_ADMIN_TOKEN changes. Child processes on one database.
 */
import { startSandbox, type SandboxHandle } from '@arkgate/sandbox';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { type ChildGateway, startChildGateway } from '../support/child-gateway';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { ADMIN_TOKEN } from '../support/test-gateway';

const NEW_ADMIN_TOKEN = 'oh-rotated-admin-token-0123456789';

describe(`a failed start changes nothing (${process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'})`, () => {
  let sandbox: SandboxHandle;
  let db: TestDatabase;
  let ds: DataSource;
  let first: ChildGateway;

  /** Every row that a start could touch, in a comparable form. */
  const snapshot = async () => ({
    tokens: await ds.query('SELECT id, token_hash, revoked_at FROM api_tokens ORDER BY id'),
    tenants: await ds.query('SELECT id, updated_at FROM tenants ORDER BY id'),
    audit: await ds.query('SELECT COUNT(*) AS n FROM audit_events'),
    migrations: await ds.query('SELECT COUNT(*) AS n FROM migrations'),
  });
  const adminCall = (gw: ChildGateway, path: string, token = ADMIN_TOKEN) => fetch(gw.url + path, { headers: { authorization: `Bearer ${token}` } });
  const stop = async (gw: ChildGateway) => {
    gw.kill('SIGTERM');
    return gw.exited;
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
    db = await createTestDatabase({ shareable: true });
    first = await startChildGateway({ sandbox, database: db.config });
    // Something for a start to break: a tenant with a token.
    const tenant = (await (
      await fetch(`${first.url}/admin/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'kept' }),
      })
    ).json()) as { id: string };
    expect(tenant.id).toBeDefined();
    ds = new DataSource(dataSourceOptions(db.config));
    await ds.initialize();
  }, 60000);
  afterAll(async () => {
    first?.kill('SIGKILL');
    await ds?.destroy();
    await sandbox.close();
    await db.drop();
  });

  it('a second start on the busy port exits non-zero, writes nothing, and the running instance keeps its admin token', async () => {
    const before = await snapshot();
    // Without ARKGATE_ADMIN_TOKEN: the start that used to revoke the running instance's token.
    const second = await startChildGateway({ sandbox, database: db.config, port: first.port, env: { ARKGATE_ADMIN_TOKEN: '' }, waitUntilUp: false });
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/port \d+ is already in use/);
    expect(await snapshot()).toEqual(before);
    await new Promise((r) => setTimeout(r, 2100)); // past the token cache of the running instance
    expect((await adminCall(first, '/admin/tenants')).status).toBe(200);
  }, 60000);

  it('starts with a bad configuration (unknown profile, malformed admin token, non-numeric timeout) exit 1 and write nothing', async () => {
    const before = await snapshot();
    const bad = await Promise.all(
      ([{ ARKGATE_PROFILE: 'nope' }, { ARKGATE_ADMIN_TOKEN: 'not-a-token' }, { ARK_TIMEOUT_MS: 'soon' }] as Record<string, string>[]).map((env) =>
        startChildGateway({ sandbox, database: db.config, env, waitUntilUp: false }),
      ),
    );
    for (const start of bad) {
      expect(await start.exited).toBe(1);
      expect(start.output()).toMatch(/configuration error/);
    }
    expect(await snapshot()).toEqual(before);
  }, 60000);

  it('a restart without ARKGATE_ADMIN_TOKEN keeps the bootstrap token; a restart with a new value revokes the old one with an audit event', async () => {
    expect(await stop(first)).toBe(0);
    first = await startChildGateway({ sandbox, database: db.config, env: { ARKGATE_ADMIN_TOKEN: '' } });
    expect((await adminCall(first, '/admin/tenants')).status).toBe(200);
    expect(await stop(first)).toBe(0);

    first = await startChildGateway({ sandbox, database: db.config, env: { ARKGATE_ADMIN_TOKEN: NEW_ADMIN_TOKEN } });
    expect((await adminCall(first, '/admin/tenants')).status).toBe(401);
    expect((await adminCall(first, '/admin/tenants', NEW_ADMIN_TOKEN)).status).toBe(200);
    const events = (await (await adminCall(first, '/audit/events?action=admin.token.revoke', NEW_ADMIN_TOKEN)).json()) as { items: unknown[] };
    expect(events.items).toEqual([
      expect.objectContaining({ target_id: 'bootstrap-admin', properties: expect.objectContaining({ reason: 'ARKGATE_ADMIN_TOKEN changed' }) }),
    ]);
  }, 60000);
});
