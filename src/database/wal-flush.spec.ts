import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalFlush } from './wal-flush';

/** A sync whose every call is counted and finished by the test. */
function controlledSync() {
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const sync = () =>
    new Promise<void>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { sync, pending };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('WalFlush', () => {
  it('with no sync under way, a caller starts one at once and is answered when it ends', async () => {
    const { sync, pending } = controlledSync();
    const flush = new WalFlush(sync);
    let done = false;
    const first = flush.flush().then(() => (done = true));
    expect(pending).toHaveLength(1);
    await turn();
    expect(done).toBe(false);
    pending[0].resolve();
    await first;
    expect(done).toBe(true);
  });

  it('a caller arriving during a sync waits for the next one, which every later arrival shares', async () => {
    const { sync, pending } = controlledSync();
    const flush = new WalFlush(sync);
    const first = flush.flush();
    let laterDone = 0;
    const later = [flush.flush(), flush.flush(), flush.flush()].map((p) => p.then(() => laterDone++));
    expect(pending).toHaveLength(1);

    pending[0].resolve();
    await first;
    await turn();
    // The sync that was under way may have started before their commits: they are not answered by it.
    expect(laterDone).toBe(0);
    expect(pending).toHaveLength(2);

    pending[1].resolve();
    await Promise.all(later);
    expect(laterDone).toBe(3);
    expect(pending).toHaveLength(2);
  });

  it('a failed sync fails its own callers only; the next caller gets a new sync', async () => {
    const { sync, pending } = controlledSync();
    const flush = new WalFlush(sync);
    const failing = flush.flush();
    const waiting = flush.flush();
    pending[0].reject(new Error('EIO'));
    await expect(failing).rejects.toThrow('EIO');
    await turn();
    expect(pending).toHaveLength(2);
    pending[1].resolve();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('syncs the WAL file next to the database, and fails when there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wal-flush-'));
    try {
      const db = join(dir, 'a.sqlite');
      await expect(WalFlush.forDatabase(db).flush()).rejects.toThrow(/ENOENT/);
      writeFileSync(`${db}-wal`, 'frames');
      await expect(WalFlush.forDatabase(db).flush()).resolves.toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
