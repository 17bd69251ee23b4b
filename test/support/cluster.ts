import { startSandbox, type SandboxOptions } from '@arkgate/sandbox';
import { createTestDatabase } from './test-database';
import { type GatewayOptions, startGateway, type TestGateway } from './test-gateway';

/** Several gateway instances on one database (a SQLite file or a PostgreSQL schema) and one sandbox. */
export interface Cluster {
  nodes: TestGateway[];
  close(): Promise<void>;
}

export async function startCluster(n: number, opts: Omit<GatewayOptions, 'shared'> & { sandbox?: SandboxOptions } = {}): Promise<Cluster> {
  const db = await createTestDatabase({ shareable: true });
  const sandbox = await startSandbox({ queuedMs: 100, runningMs: 200, ...opts.sandbox });
  const nodes: TestGateway[] = [];
  for (let i = 0; i < n; i++) nodes.push(await startGateway({ ...opts, shared: { db, sandbox } }));
  return {
    nodes,
    close: async () => {
      for (const node of nodes) await node.close();
      await sandbox.close();
      await db.drop();
    },
  };
}
