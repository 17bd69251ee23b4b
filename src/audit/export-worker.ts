import { type MessagePort, parentPort } from 'node:worker_threads';
import { type ExportPlan, type ExportRange, type ExportSource, exportPages, exportRange, HELPER_PAGE, type Read, splitExport } from '../tasks/export-pages';
import { ExportConnection, type OpenExportConnection } from './export-connection';
import { exportChunks, type ExportFormat } from './export-lines';

/**
 * An export worker's thread (src/audit/export-workers.ts starts it): runs one export at a time on a connection of its
 * own (read-only to the gateway's SQLite file, or to its PostgreSQL server), and sends the export's text in chunks, at most `credit` ahead
 * of what the response has asked for. Alone it reads the whole export; as a lead it reads every other page and gives
 * the others to a helper (another worker, over their own channel `peer`), sending a mark where each of those belongs;
 * as a helper it reads the pages it is given and sends a mark at the end of each.
 */
export interface ExportJob {
  source: ExportSource;
  plan: ExportPlan;
  tenantNames: [string, string][];
  format: ExportFormat;
  /** Chunks the worker may send before the response asks for more. */
  credit: number;
  /** How long a PostgreSQL connection is kept after the export for the next one (0: closed with the export). */
  keepConnectionMs: number;
  /** `lead` and `helper` share the export (`plan.ranges` set), talking over `peer`. Default `solo`. */
  role?: 'solo' | 'lead' | 'helper';
  peer?: MessagePort;
}

/** To the worker: a job, leave to send `more` chunks, or to stop (its thread ends). */
export type ToExportWorker = { job: ExportJob } | { more: number } | { stop: true };
/**
 * From the worker: a chunk of the text; a lead's mark where a helper's page belongs; a helper's mark at the end of a
 * page; the end of its part; or why it stopped (with the driver's error code, if any, e.g. a refused connection).
 */
export type FromExportWorker = { chunk: string } | { helperPage: true } | { pageEnd: true } | { end: true } | { error: string; code?: string };
/** From a lead to its helper: a page to read, or that there are no more. */
type ToHelper = { range: ExportRange } | { done: true };

const PAGE_END = Symbol('page end');

const port = parentPort;
const connection = new ExportConnection();
let running = false;
let credit = 0;
let wake: (() => void) | null = null;

port?.on('message', (message: ToExportWorker) => {
  // The thread ends from here, between two of its tasks, never inside a call into SQLite: a thread terminated from
  // outside while better-sqlite3 is throwing aborts the whole process (WiseLibs/better-sqlite3#842). Idle, it first
  // closes its kept PostgreSQL connection (the server then sees a goodbye, not a dropped socket).
  if ('stop' in message) {
    if (running) process.exit(0);
    void connection.end().finally(() => process.exit(0));
    return;
  }
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
  running = true;
  let open: OpenExportConnection | undefined;
  let whole = false;
  let failure: unknown;
  try {
    open = await connection.open(job.source, job.plan, job.keepConnectionMs);
    const read = open.read;
    const names = new Map(job.tenantNames);
    if (job.role === 'helper') {
      await help(read, job, names);
    } else {
      const peer = job.peer;
      const pages =
        job.role === 'lead' && peer ? splitExport(read, job.plan, (range) => peer.postMessage({ range } satisfies ToHelper)) : exportPages(read, job.plan);
      for await (const item of exportChunks<typeof HELPER_PAGE>(pages, names, job.format)) {
        if (item === HELPER_PAGE) send({ helperPage: true });
        else await sendChunk(item);
      }
    }
    whole = true;
  } catch (err) {
    failure = err;
  } finally {
    if (job.role === 'lead') job.peer?.postMessage({ done: true } satisfies ToHelper);
    job.peer?.close();
    // The connection is kept or closed before the end is told: the next job may come as soon as it is.
    await open?.close(whole).catch(() => undefined);
    running = false;
    send(whole ? { end: true } : failed(failure));
  }
}

/** A helper's part: each page the lead gives, with a mark at its end, until the lead says there are no more. */
async function help(read: Read, job: ExportJob, names: Map<string, string>): Promise<void> {
  const ranges = rangesFrom(job.peer!);
  async function* pages(): AsyncGenerator<Awaited<ReturnType<typeof exportRange>> | typeof PAGE_END> {
    for await (const range of ranges) {
      yield await exportRange(read, job.plan, range);
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

/** Why a part failed, as a message the gateway's thread turns back into an error. */
function failed(failure: unknown): { error: string; code?: string } {
  const code = (failure as { code?: unknown } | undefined)?.code;
  return { error: failure instanceof Error ? failure.message : String(failure), ...(typeof code === 'string' ? { code } : {}) };
}
