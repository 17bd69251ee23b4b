import { open } from 'node:fs/promises';
import { resolve } from 'node:path';

/**
 * Group commit for a SQLite file database in WAL mode. better-sqlite3 runs every statement on the event loop, so with
 * `synchronous = FULL` each COMMIT blocks the whole process for one fsync of the WAL (4–7 ms on a shared disk), and
 * commits queue behind each other's fsyncs. Instead, the unit of work commits with `synchronous = NORMAL` (the WAL
 * pages are written, not yet synced) and then waits for `flush()`: one `fdatasync` of the WAL file in libuv's thread
 * pool, shared by every commit made before it started. A caller is answered only once its commit is on disk, as with
 * FULL, while the event loop keeps serving other requests during the sync.
 */
export class WalFlush {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  /** `sync` makes everything written so far durable (the default: fdatasync of the file at `walPath`). */
  constructor(private readonly sync: () => Promise<void>) {}

  /** For the WAL file of the SQLite database at `databasePath`. */
  static forDatabase(databasePath: string): WalFlush {
    const wal = `${resolve(databasePath)}-wal`;
    return new WalFlush(() => syncFile(wal));
  }

  /**
   * Resolves once everything committed before the call is durable. A sync already under way may have started before
   * the caller's commit, so the caller waits for the one after it, which every caller arriving meanwhile shares.
   */
  flush(): Promise<void> {
    if (!this.running) {
      this.running = this.sync().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    if (!this.next) {
      this.next = this.running
        .catch(() => undefined)
        .then(() => {
          this.next = null;
          return this.flush();
        });
    }
    return this.next;
  }
}

/**
 * fdatasync through a descriptor of our own, opened for each sync: the file's pages are flushed whichever descriptor
 * wrote them, and a fresh open never syncs a WAL file that SQLite has since deleted and made anew.
 */
async function syncFile(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    await file.datasync();
  } finally {
    await file.close();
  }
}
