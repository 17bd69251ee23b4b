import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import { sqliteExportPages, type SqliteExportPlan } from '../tasks/sqlite-export-pages';
import { exportChunks, type ExportFormat } from './export-lines';

/**
 * An export worker's thread (src/audit/export-workers.ts starts it): runs one SQLite export at a time on a read-only
 * connection of its own to the gateway's database file, and sends the export's text in chunks, at most
 * `credit` ahead of what the response has asked for.
 */
export interface ExportJob {
  file: string;
  plan: SqliteExportPlan;
  tenantNames: [string, string][];
  format: ExportFormat;
  /** Chunks the worker may send before the response asks for more. */
  credit: number;
}

/** To the worker: a job, or leave to send `more` chunks. */
export type ToExportWorker = { job: ExportJob } | { more: number };
/** From the worker: a chunk of the text, its end, or why it stopped. */
export type FromExportWorker = { chunk: string } | { end: true } | { error: string };

const port = parentPort;
let credit = 0;
let wake: (() => void) | null = null;

port?.on('message', (message: ToExportWorker) => {
  if ('more' in message) {
    credit += message.more;
    const w = wake;
    wake = null;
    w?.();
    return;
  }
  void run(message.job);
});

async function run(job: ExportJob): Promise<void> {
  credit = job.credit;
  let db: Database.Database | undefined;
  try {
    db = new Database(job.file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    for await (const text of exportChunks(sqliteExportPages(db, job.plan), new Map(job.tenantNames), job.format)) {
      while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
      credit--;
      port!.postMessage({ chunk: text } satisfies FromExportWorker);
    }
    port!.postMessage({ end: true } satisfies FromExportWorker);
  } catch (err) {
    port!.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies FromExportWorker);
  } finally {
    db?.close();
  }
}
