import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints (a checkpoint with nothing to copy costs a look at the WAL index). */
const INTERVAL_MS = 200;
/**
 * The writer's own automatic checkpoint, kept as a backstop: only if the worker fell this far behind (pages, ~40 MB)
 * does a commit on the event loop checkpoint again, as SQLite does by default at 1,000 pages.
 */
export const BACKSTOP_PAGES = 10_000;
/** After the WAL restarts from its beginning, its file is cut back to this size. */
export const WAL_SIZE_LIMIT_BYTES = 8 * 1024 * 1024;
/** SQLite's own automatic checkpoint, given back to the writer if the worker stops without being asked to. */
export const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/** What the worker reports: checkpoints run, and the last one's WAL frames and frames copied into the database. */
export interface CheckpointStats {
  runs: number;
  errors: number;
  lastError: string | null;
  logFrames: number;
  checkpointedFrames: number;
}

/**
 * Runs in the worker: its own connection to the database file, checkpointing the WAL every INTERVAL_MS with PASSIVE
 * (it copies what it can without waiting for, or blocking, the writer or any reader, and syncs as SQLite's
 * checkpoint does). Plain JavaScript so it runs the same from `dist/` and under ts-node.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const stats = { runs: 0, errors: 0, lastError: null, logFrames: 0, checkpointedFrames: 0 };
function checkpoint() {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    stats.runs++;
    stats.logFrames = r.log;
    stats.checkpointedFrames = r.checkpointed;
  } catch (err) {
    stats.errors++;
    stats.lastError = String(err && err.message);
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stats') {
    parentPort.postMessage({ stats });
  } else if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/**
 * WAL checkpoints of a SQLite file database, off the event loop (docs/contract.md §10: nothing blocks other requests
 * for long). By default SQLite checkpoints inside the commit that takes the WAL past 1,000 pages: better-sqlite3 runs
 * that commit on the event loop, so the checkpoint's copy and its two fsyncs (WAL, then database) held every request
 * of the process, a few times a second under writes. Here a worker thread with a connection of its own checkpoints
 * every 200 ms in PASSIVE mode, which never waits for nor blocks the writer; the writer restarts the WAL from its
 * beginning at its next write once the worker has copied all of it, as it would after its own checkpoint. The
 * writer's automatic checkpoint stays as a backstop at BACKSTOP_PAGES. Measured in bench/profiles/S2.md, sixth round.
 */
export class WalCheckpointer {
  private stopped: Promise<void> | null = null;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    writer: { pragma(source: string): unknown },
  ) {
    worker.once('exit', () => {
      this.exited = true;
      // A worker that failed: the writer checkpoints again as SQLite does by default, rather than at the backstop.
      if (!this.stopped) {
        try {
          writer.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
        } catch {
          // The writer's connection is closed already: nothing is left to checkpoint for.
        }
      }
    });
  }

  /**
   * Starts checkpointing the database at `databasePath`. `writer` is the application's own connection: its automatic
   * checkpoint moves to the backstop, and the WAL file is cut back after a restart.
   */
  static start(databasePath: string, writer: { pragma(source: string): unknown }, intervalMs = INTERVAL_MS): WalCheckpointer {
    writer.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    writer.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    const betterSqlite3 = createRequire(__filename).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: resolve(databasePath), betterSqlite3, intervalMs } });
    worker.unref();
    // A worker that fails exits too (see the constructor).
    worker.on('error', () => undefined);
    return new WalCheckpointer(worker, writer);
  }

  /** What the worker's checkpoints did so far (for tests and diagnostics). */
  stats(): Promise<CheckpointStats> {
    if (this.exited || this.stopped) return Promise.reject(new Error('the WAL checkpointer stopped'));
    return new Promise((resolveStats, reject) => {
      const onMessage = (m: { stats?: CheckpointStats }) => {
        if (!m.stats) return;
        this.worker.off('message', onMessage).off('exit', onExit);
        resolveStats(m.stats);
      };
      const onExit = () => {
        this.worker.off('message', onMessage);
        reject(new Error('the WAL checkpointer stopped'));
      };
      this.worker.on('message', onMessage).once('exit', onExit);
      this.worker.postMessage('stats');
    });
  }

  /** Stops the worker, closing its connection between two checkpoints. */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = this.exited
        ? Promise.resolve()
        : new Promise<void>((done) => {
            this.worker.once('exit', () => done());
            this.worker.postMessage('stop');
          });
    }
    return this.stopped;
  }
}
