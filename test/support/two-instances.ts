import { startSandbox, type SandboxHandle } from '@arkgate/sandbox';
import { type ChildGateway, startChildGateway } from './child-gateway';
import { createTestDatabase, type TestDatabase } from './test-database';
import { startGateway, type TestGateway } from './test-gateway';

/** Two gateway instances on one database and one sandbox: `a` in this process, `b` a child process (`src/main.ts`). */
export interface TwoInstances {
  sandbox: SandboxHandle;
  db: TestDatabase;
  a: TestGateway;
  b: ChildGateway;
}

/**
 * Registers the suite's beforeAll/afterAll that start and stop two instances, each with its own caches, for tests of
 * how a change made through one reaches the other. The returned object is filled in once beforeAll has run.
 */
export function twoInstancesForSuite(): TwoInstances {
  const it = {} as TwoInstances;
  beforeAll(async () => {
    it.sandbox = await startSandbox({ queuedMs: 100, runningMs: 200 });
    it.db = await createTestDatabase({ shareable: true });
    it.a = await startGateway({ shared: { sandbox: it.sandbox, db: it.db } });
    it.b = await startChildGateway({ sandbox: it.sandbox, database: it.db.config, timeoutMs: 100_000 });
  }, 120_000);
  afterAll(async () => {
    it.b?.kill('SIGTERM');
    await it.b?.exited;
    await it.a?.close();
    await it.sandbox?.close();
    await it.db?.drop();
  });
  return it;
}
