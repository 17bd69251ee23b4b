/**
 * docs/contract.md §9, database unreachable: every call (authentication included) answers 503 in the profile's unavailable
 * code with Retry-After, within seconds, and /readyz is 503. PostgreSQL: the gateway reaches the server through a
 * TCP proxy the test cuts (and restores). SQLite (a file): the DataSource is destroyed under the running app (and
 * initialized again).
 */
import { createServer, type Server, Socket } from 'node:net';
import { DataSource } from 'typeorm';
import { startSandbox, type SandboxHandle } from '@arkgate/sandbox';
import { codeFor } from '../../src/common/errors/error-codes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startGateway, TASKS, type TestGateway } from '../support/test-gateway';

const postgres = process.env.DATABASE_URL?.startsWith('postgres') ?? false;
/** "Fast": well under the driver's default waits. */
const FAST_MS = 5000;

/** A TCP proxy to PostgreSQL that the test can cut (refuse and drop every connection) and restore. */
class CuttableProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

describe(`database cut (${postgres ? 'PostgreSQL behind a proxy the test cuts' : 'SQLite: DataSource destroyed under the app'})`, () => {
  const profile = 'kapon';
  const unavailable = codeFor('database_unavailable', profile);
  let sandbox: SandboxHandle;
  let db: TestDatabase;
  let proxy: CuttableProxy | undefined;
  let gw: TestGateway;
  let tenant: { id: string; token: string };
  let unusedToken: string;

  beforeAll(async () => {
    sandbox = await startSandbox();
    // SQLite on a file, so that the re-opened DataSource finds the same data.
    db = await createTestDatabase({ shareable: true });
    let config = db.config;
    if (config.type === 'postgres') {
      const url = new URL(config.url);
      proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port || 5432) });
      await proxy.open();
      url.host = `127.0.0.1:${proxy.port}`;
      config = { ...config, url: url.toString() };
    }
    gw = await startGateway({ profile, shared: { db: { ...db, config }, sandbox } });
    tenant = await gw.newTenant();
    // A token never used before the cut, so its lookup has to reach the database.
    unusedToken = (await gw.admin('POST', `/admin/tenants/${tenant.id}/tokens`, { name: 'unused' })).body.token;
    expect((await gw.call('GET', TASKS, { token: tenant.token })).status).toBe(200);
  });
  afterAll(async () => {
    await gw.close().catch(() => undefined);
    await proxy?.cut();
    await sandbox.close();
    await db.drop();
  });

  const expectUnavailable = async (res: Promise<{ status: number; body: any; headers: Headers }>) => {
    const started = Date.now();
    const answer = await res;
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe(unavailable.code);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    return answer;
  };

  it('answers 503 with Retry-After in the profile code, fast, for tenant calls, token lookups and admin calls; readyz 503', async () => {
    if (proxy) await proxy.cut();
    else await gw.app.get(DataSource).destroy();

    await expectUnavailable(gw.call('GET', TASKS, { token: tenant.token }));
    await expectUnavailable(gw.call('GET', TASKS, { token: unusedToken }));
    await expectUnavailable(
      gw.call('POST', TASKS, { token: tenant.token, body: { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: 'x' }] } }),
    );
    await expectUnavailable(gw.admin('GET', '/admin/tenants'));
    const ready = await expectUnavailable(gw.call('GET', '/readyz'));
    expect(ready.body).toMatchObject({ status: 'not_ready', database: 'down' });
    // Nothing reached upstream while the database was away.
    expect(sandbox.control.requests().filter((r) => r.op === 'create')).toEqual([]);
  });

  it('serves again once the database is back', async () => {
    if (proxy) await proxy.open();
    else await gw.app.get(DataSource).initialize();
    const back = await (async () => {
      const until = Date.now() + 10000;
      for (;;) {
        const res = await gw.call('GET', TASKS, { token: tenant.token });
        if (res.status === 200 || Date.now() > until) return res;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    expect(back.status).toBe(200);
    expect((await gw.call('GET', '/readyz')).status).toBe(200);
  });
});
