import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { WalCheckpoints } from '../../src/database/database.module';
import { BACKSTOP_PAGES } from '../../src/database/wal-checkpointer';
import { eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';

/**
 * On a SQLite file the gateway checkpoints its WAL on a worker thread, not inside a commit on the event loop
 * (src/database/wal-checkpointer.ts); elsewhere (SQLite in memory, PostgreSQL) there is no WAL to checkpoint.
 */
const onFile = process.env.DATABASE_URL?.startsWith('postgres') ? describe.skip : describe;

onFile('a gateway on a SQLite file checkpoints its WAL on a worker', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ sqliteFile: true });
  });
  afterAll(() => gw?.close());

  it('creates are recorded, the worker copies them into the database file, and the writer keeps only the backstop', async () => {
    const checkpointer = gw.app.get(WalCheckpoints).running;
    expect(checkpointer).not.toBeNull();
    const tenant = await gw.newTenant();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await gw.call('POST', TASKS, {
        token: tenant.token,
        body: { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: `a paper boat ${i}` }], duration: 4, resolution: '480p' },
      });
      expect(res.status).toBe(200);
      ids.push(res.body.id as string);
    }
    const from = (await checkpointer!.stats()).runs;
    const stats = await eventually(
      () => checkpointer!.stats(),
      (s) => s.runs > from + 1 && s.checkpointedFrames === s.logFrames,
      10_000,
    );
    expect(stats).toMatchObject({ errors: 0, lastError: null });
    expect(stats.checkpointedFrames).toBe(stats.logFrames);

    const path = (gw.config.database as { path: string }).path;
    const reader = new Database(path, { readonly: true });
    try {
      const found = reader.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE task_id IN (${ids.map(() => '?').join(',')})`).get(...ids) as { n: number };
      expect(found.n).toBe(20);
    } finally {
      reader.close();
    }
    // The gateway's own connection no longer checkpoints at SQLite's 1,000 pages.
    const [{ wal_autocheckpoint }] = await gw.app.get(DataSource).query<{ wal_autocheckpoint: number }[]>('PRAGMA wal_autocheckpoint');
    expect(Number(wal_autocheckpoint)).toBe(BACKSTOP_PAGES);
  });

  it('stops its worker when the gateway closes', async () => {
    const other = await startGateway({ sqliteFile: true });
    const checkpointer = other.app.get(WalCheckpoints).running!;
    await other.close();
    await expect(checkpointer.stats()).rejects.toThrow('the WAL checkpointer stopped');
  });
});

describe('a gateway on SQLite in memory or PostgreSQL has no WAL checkpointer', () => {
  it('runs none', async () => {
    const gw = await startGateway();
    try {
      expect(gw.app.get(WalCheckpoints).running).toBeNull();
    } finally {
      await gw.close();
    }
  });
});
