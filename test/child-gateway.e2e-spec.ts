import { startSandbox, type SandboxHandle } from '@arkgate/sandbox';
import { startChildGateway } from './support/child-gateway';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { ADMIN_TOKEN } from './support/test-gateway';

describe('the gateway as its own process', () => {
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

  it('starts on the given database and upstream, answers the admin API, and ends on a signal', async () => {
    const gw = await startChildGateway({ sandbox, database: db.config });
    try {
      const res = await fetch(`${gw.url}/admin/tenants`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.status).toBe(200);
    } finally {
      gw.kill('SIGKILL');
      await gw.exited;
    }
  }, 60000);
});
