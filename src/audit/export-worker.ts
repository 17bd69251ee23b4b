import Database from 'better-sqlite3';
import { type MessagePort, parentPort } from 'node:worker_threads';
import {
  type ExportRange,
  HELPER_PAGE,
  sqliteExportPages,
  sqliteExportRange,
  type SqliteExportPlan,
  sqliteSplitExport,
  statementsOf,
} from '../tasks/sqlite-export-pages';
import { exportChunks, type ExportFormat } from './export-lines';

/**
 * An export worker's thread (src/audit/export-workers.ts starts it): runs one SQLite export at a time on a read-only
 * connection of its own to the gateway's database file, and sends the export's text in chunks, at most `credit` ahead
 * of what the response has asked for. Alone it reads the whole export; as a lead it reads every other page and gives
 * the others to a helper (another worker, over their own channel `peer`), sending a mark where each of those belongs;
 * as a helper it reads the pages it is given and sends a mark at the end of each.
 */
export interface ExportJob {
  file: string;
  plan: SqliteExportPlan;
  tenantNames: [string, string][];
  format: ExportFormat;
  /** Chunks the worker may send before the response asks for more. */
  credit: number;
  /** `lead` and `helper` share the export (`plan.ranges` set), talking over `peer`. Default `solo`. */
  role?: 'solo' | 'lead' | 'helper';
  peer?: MessagePort;
}

/** To the worker: a job, or leave to send `more` chunks. */
export type ToExportWorker = { job: ExportJob } | { more: number };
/**
 * From the worker: a chunk of the text; a lead's mark where a helper's page belongs; a helper's mark at the end of a
 * page; the end of its part; or why it stopped.
 */
export type FromExportWorker = { chunk: string } | { helperPage: true } | { pageEnd: true } | { end: true } | { error: string };
/** From a lead to its helper: a page to read, or that there are no more. */
type ToHelper = { range: ExportRange } | { done: true };

const PAGE_END = Symbol('page end');

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

const send = (message: FromExportWorker) => port!.postMessage(message);

/** Sends a chunk once the response has room for it (the credit). */
async function sendChunk(text: string): Promise<void> {
  while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
  credit--;
  send({ chunk: text });
}

async function run(job: ExportJob): Promise<void> {
  credit = job.credit;
  let db: Database.Database | undefined;
  try {
    db = new Database(job.file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const names = new Map(job.tenantNames);
    if (job.role === 'helper') {
      await help(db, job, names);
    } else {
      const peer = job.peer;
      const pages =
        job.role === 'lead' && peer
          ? sqliteSplitExport(db, job.plan, (range) => peer.postMessage({ range } satisfies ToHelper))
          : sqliteExportPages(db, job.plan);
      for await (const item of exportChunks<typeof HELPER_PAGE>(pages, names, job.format)) {
        if (item === HELPER_PAGE) send({ helperPage: true });
        else await sendChunk(item);
      }
    }
    send({ end: true });
  } catch (err) {
    send({ error: err instanceof Error ? err.message : String(err) });
  } finally {
    if (job.role === 'lead') job.peer?.postMessage({ done: true } satisfies ToHelper);
    job.peer?.close();
    db?.close();
  }
}

/** A helper's part: each page the lead gives, with a mark at its end, until the lead says there are no more. */
async function help(db: Database.Database, job: ExportJob, names: Map<string, string>): Promise<void> {
  const read = statementsOf(db);
  const ranges = rangesFrom(job.peer!);
  async function* pages(): AsyncGenerator<ReturnType<typeof sqliteExportRange> | typeof PAGE_END> {
    for await (const range of ranges) {
      yield sqliteExportRange(read, job.plan, range);
      yield PAGE_END;
    }
  }
  for await (const item of exportChunks<typeof PAGE_END>(pages(), names, job.format, { header: false })) {
    if (item === PAGE_END) send({ pageEnd: true });
    else await sendChunk(item);
  }
}

/** The ranges a lead sends on `peer`, in order, until its `done`. */
async function* rangesFrom(peer: MessagePort): AsyncGenerator<ExportRange> {
  const queue: ToHelper[] = [];
  let arrived: (() => void) | null = null;
  peer.on('message', (m: ToHelper) => {
    queue.push(m);
    const a = arrived;
    arrived = null;
    a?.();
  });
  for (;;) {
    while (queue.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
    const m = queue.shift()!;
    if ('done' in m) return;
    yield m.range;
  }
}
