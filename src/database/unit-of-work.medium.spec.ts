import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openMigratedDataSource } from '../../test/support/test-database';
import { eventually } from '../../test/support/eventually';
import { dataSourceOptions } from './data-source-options';
import { UnitOfWork } from './unit-of-work';
import { BACKSTOP_PAGES, SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES, WAL_SIZE_LIMIT_BYTES, WalCheckpointer } from './wal-checkpointer';

describe('UnitOfWork (medium)', () => {
  it('concurrent read-modify-write transactions all commit and none is lost', async () => {
    const { ds, close } = await openMigratedDataSource();
    try {
      await ds.query('CREATE TABLE uow_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
      await ds.query('INSERT INTO uow_counter (id, n) VALUES (1, 0)');
      const uow = UnitOfWork.for(ds);
      const lock = uow.engine === 'postgres' ? ' FOR UPDATE' : '';
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, () =>
          uow.transaction(async (m) => {
            const [{ n }] = await m.query(`SELECT n FROM uow_counter WHERE id = 1${lock}`);
            await new Promise((r) => setTimeout(r, 2));
            await m.query(`UPDATE uow_counter SET n = ${Number(n) + 1} WHERE id = 1`);
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(Number((await ds.query('SELECT n FROM uow_counter WHERE id = 1'))[0].n)).toBe(30);
    } finally {
      await close();
    }
  });

  it('a failed transaction rolls back only its own writes', async () => {
    const { ds, close } = await openMigratedDataSource();
    try {
      await ds.query('CREATE TABLE uow_rows (id INTEGER PRIMARY KEY)');
      const uow = UnitOfWork.for(ds);
      const failing = uow.transaction(async (m) => {
        await m.query('INSERT INTO uow_rows (id) VALUES (1)');
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('boom');
      });
      const other = uow.exclusive(() => ds.query('INSERT INTO uow_rows (id) VALUES (2)'));
      await expect(failing).rejects.toThrow('boom');
      await other;
      expect((await ds.query('SELECT id FROM uow_rows ORDER BY id')).map((r: { id: number }) => Number(r.id))).toEqual([2]);
    } finally {
      await close();
    }
  });
});

const sqliteOnly = process.env.DATABASE_URL && !process.env.DATABASE_URL.startsWith('sqlite:') ? it.skip : it;

async function openFile(): Promise<{ ds: DataSource; path: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'uow-wal-'));
  const path = join(dir, 'db.sqlite');
  const ds = new DataSource(dataSourceOptions({ type: 'sqlite', path }));
  await ds.initialize();
  await ds.runMigrations();
  return {
    ds,
    path,
    close: async () => {
      await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('UnitOfWork on a SQLite file (WAL, group commit)', () => {
  const synchronous = async (q: { query(sql: string): Promise<{ synchronous: number }[]> }) => Number((await q.query('PRAGMA synchronous'))[0].synchronous);

  sqliteOnly('concurrent transactions each resolve with their commit readable by another connection, in order', async () => {
    const { ds, path, close } = await openFile();
    try {
      await ds.query('CREATE TABLE uow_wal (id INTEGER PRIMARY KEY)');
      const uow = UnitOfWork.for(ds);
      const other = new Database(path, { readonly: true });
      try {
        const seen: number[] = [];
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            uow
              .transaction(async (m) => {
                await m.query(`INSERT INTO uow_wal (id) VALUES (${i + 1})`);
              })
              .then(() => {
                const row = other.prepare('SELECT id FROM uow_wal WHERE id = ?').get(i + 1) as { id: number } | undefined;
                if (row) seen.push(row.id);
              }),
          ),
        );
        expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      } finally {
        other.close();
      }
    } finally {
      await close();
    }
  });

  sqliteOnly('commits through the unit of work skip the inline sync; everything else keeps synchronous FULL', async () => {
    const { ds, close } = await openFile();
    try {
      const uow = UnitOfWork.for(ds);
      expect(await synchronous(ds)).toBe(2);
      const inside = await uow.transaction((m) => synchronous(m));
      expect(inside).toBe(1);
      expect(await synchronous(ds)).toBe(2);
      await expect(
        uow.transaction(async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await synchronous(ds)).toBe(2);
    } finally {
      await close();
    }
  });
});

describe('WalCheckpointer on a SQLite file (checkpoints off the event loop)', () => {
  sqliteOnly("moves the writer's own checkpoint to the backstop, copies every frame on its worker, and the WAL restarts cut back", async () => {
    const { ds, path, close } = await openFile();
    let checkpointer: WalCheckpointer | null = null;
    try {
      await ds.query('CREATE TABLE ckpt_rows (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)');
      const uow = UnitOfWork.for(ds);
      checkpointer = WalCheckpointer.start(path, uow.sqliteConnection(), 20);
      expect(Number((await ds.query('PRAGMA wal_autocheckpoint'))[0].wal_autocheckpoint)).toBe(BACKSTOP_PAGES);
      expect(Number((await ds.query('PRAGMA journal_size_limit'))[0].journal_size_limit)).toBe(WAL_SIZE_LIMIT_BYTES);

      // ~5 pages a row: far past the 1,000 pages at which the writer would have checkpointed on its own.
      const payload = Buffer.alloc(16 * 1024, 7)
        .toString('hex')
        .slice(0, 16 * 1024);
      await Promise.all(
        Array.from({ length: 400 }, (_, i) => uow.transaction((m) => m.query('INSERT INTO ckpt_rows (id, payload) VALUES (?, ?)', [i + 1, payload]))),
      );
      // The worker's own timer copies them: wait for a checkpoint begun after the last commit to have copied every frame.
      const after = (await checkpointer.stats()).runs;
      const stats = await eventually(
        () => checkpointer!.stats(),
        (s) => s.runs > after + 1 && s.checkpointedFrames === s.logFrames,
        5000,
      );
      expect(stats).toMatchObject({ errors: 0, lastError: null });
      expect(stats.runs).toBeGreaterThan(after + 1);
      expect(stats.logFrames).toBeGreaterThan(1000);
      expect(stats.checkpointedFrames).toBe(stats.logFrames);

      // Everything was copied, so the writer's next commit starts the WAL again from its beginning and cuts the file back.
      await uow.transaction((m) => m.query('INSERT INTO ckpt_rows (id, payload) VALUES (?, ?)', [401, 'last']));
      expect(statSync(`${path}-wal`).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    } finally {
      await checkpointer?.stop();
      await ds.destroy();
    }
    // Every commit is in the database, read by a connection of its own after both have closed.
    const reopened = new Database(path, { readonly: true });
    try {
      expect((reopened.prepare('SELECT COUNT(*) AS n FROM ckpt_rows').get() as { n: number }).n).toBe(401);
    } finally {
      reopened.close();
      await close().catch(() => undefined);
    }
  });

  sqliteOnly("a worker that fails gives the writer back SQLite's own checkpoint at 1,000 pages", async () => {
    const { ds, path, close } = await openFile();
    try {
      const checkpointer = WalCheckpointer.start(path, UnitOfWork.for(ds).sqliteConnection(), 5);
      expect(Number((await ds.query('PRAGMA wal_autocheckpoint'))[0].wal_autocheckpoint)).toBe(BACKSTOP_PAGES);
      await (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      expect(Number((await ds.query('PRAGMA wal_autocheckpoint'))[0].wal_autocheckpoint)).toBe(SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES);
      await expect(checkpointer.stats()).rejects.toThrow('the WAL checkpointer stopped');
      await checkpointer.stop();
    } finally {
      await close();
    }
  });

  sqliteOnly('stops between checkpoints and can be stopped twice', async () => {
    const { ds, path, close } = await openFile();
    try {
      const checkpointer = WalCheckpointer.start(path, UnitOfWork.for(ds).sqliteConnection(), 5);
      expect((await checkpointer.stats()).errors).toBe(0);
      await Promise.all([checkpointer.stop(), checkpointer.stop()]);
      await expect(checkpointer.stats()).rejects.toThrow('the WAL checkpointer stopped');
    } finally {
      await close();
    }
  });
});
