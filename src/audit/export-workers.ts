import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { ExportJob, FromExportWorker, ToExportWorker } from './export-worker';

/** Chunks a worker may have sent ahead of the response (each about 32 KB of text). */
const CREDIT = 32;
/** Idle workers kept between exports (an export split in two takes two). */
const IDLE_MAX = 2;
/** How long a worker asked to stop may take before it is terminated. */
const STOP_WAIT_MS = 5000;
/**
 * A worker's old generation, at most. What a worker keeps is a few MB (a page of records, the tenants' names, the
 * descriptors it has parsed); what reaches its old generation is mostly garbage — rows alive across a scavenge while
 * the rest of their page arrives. Sized as the process's, V8 let that grow to about 100 MB a worker before collecting
 * it; for a heap of at most 256 MB it collects once the old generation is 1.3 times what was alive after the last
 * collection (V8's smallest growing factor), so a worker's heap stays within a few MB of what it keeps
 * (bench/profiles/S6.md, ninth round). A worker that ever needed more would fail its export, not the gateway.
 */
const OLD_GENERATION_MB = 256;

/**
 * A worker's young generation, at most: semi-spaces of 8 MB, where V8's default (48 MB on 64-bit) has 16. While a worker
 * idles, V8's memory reducer gives its young generation back, and the next export grows it again; an export runs on
 * two workers, so the first export after a quiet spell peaked about 80 MB higher than it began (+81 and +91 MB at a
 * million records; +47 with this cap). In interleaved runs the cap cost no rows/s at a million records on SQLite, nor
 * in runs of 100,000 on either engine; the 100,000-record exports inside the runs of a million were slower with it on
 * SQLite, for a cause not found (bench/profiles/S6.md, sixteenth round). It also bounds what concurrent exports hold:
 * each worker's heap at most OLD_GENERATION_MB + this.
 */
const YOUNG_GENERATION_MB = 24;

/**
 * How long an idle worker keeps its PostgreSQL connection for the next export: a new one is about 100 ms of the
 * export's first byte (bench/profiles/S6.md, eleventh round); kept, each idle worker holds one of the server's
 * connections (at most IDLE_MAX an instance) for this long after an export.
 */
const KEEP_CONNECTION_MS = 60_000;

type Job = Omit<ExportJob, 'credit' | 'role' | 'peer' | 'keepConnectionMs'>;

/**
 * Worker threads for the auditor export: the reads and the formatting of an export run on workers
 * (src/audit/export-worker.ts, each with a connection of its own to the SQLite file or the PostgreSQL server), so the gateway's thread only writes the
 * chunks to the response — an export does not hold other requests for the time of a page, and the reading of the next
 * chunk goes on while the last one is written (bench/profiles/S6.md, sixth round).
 *
 * With two or more cores and a plan that can be split (`plan.ranges`), an export runs on two workers at once: a lead,
 * which finds the pages' bounds and reads every other page, and a helper, which reads the pages between; this thread
 * takes their chunks in the export's order (seventh round). Each worker sends at most CREDIT chunks ahead of what was
 * taken from it, so memory stays bounded whichever is ahead. Up to IDLE_MAX workers are kept idle between exports,
 * the others stop when theirs ends; a failing worker or a reader that goes away stops the export's workers.
 */
@Injectable()
export class ExportWorkers implements OnApplicationShutdown {
  private readonly idle: Worker[] = [];
  private readonly busy = new Set<Worker>();
  private closed = false;
  /** Whether an export whose plan allows it is split between two workers (on by default with two or more cores). */
  split = availableParallelism() >= 2;
  /** How long an idle worker keeps its PostgreSQL connection (0: each export opens its own). */
  keepConnectionMs = KEEP_CONNECTION_MS;

  /** The export's text as a byte stream, read and formatted on workers; destroying the stream stops the export. */
  stream(job: Job): Readable {
    return this.split && job.plan.ranges ? this.streamSplit(job) : this.streamSolo(job);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const all = [...this.busy, ...this.idle.splice(0)];
    await Promise.all(all.map((w) => this.stop(w)));
  }

  private streamSolo(job: Job): Readable {
    const worker = this.take();
    const stream = new Readable({
      // What the response has not taken yet: a few chunks, so the worker reads on while the socket writes.
      highWaterMark: CREDIT * 32 * 1024,
      read: () => worker.postMessage({ more: 1 } satisfies ToExportWorker),
      destroy: (err, callback) => {
        finish(false);
        callback(err);
      },
    });
    const onMessage = (m: FromExportWorker) => {
      if ('chunk' in m) stream.push(m.chunk);
      else if ('end' in m) {
        finish(true);
        stream.push(null);
      } else if ('error' in m) stream.destroy(exportFailure(m));
    };
    const onError = (err: Error) => stream.destroy(err);
    const onExit = (code: number) => stream.destroy(new Error(`the export worker stopped (exit code ${code})`));
    let finished = false;
    const finish = (reusable: boolean) => {
      if (finished) return;
      finished = true;
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      this.release(worker, reusable);
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage({ job: { ...job, credit: CREDIT, keepConnectionMs: this.keepConnectionMs } } satisfies ToExportWorker);
    return stream;
  }

  /**
   * The export on a lead and a helper. Each one's messages wait in its own queue; the stream takes from the lead's
   * until its mark of a helper page, then from the helper's until that page's end, and so on, granting a worker one
   * more chunk for each chunk taken from it.
   */
  private streamSplit(job: Job): Readable {
    const workers = { lead: this.take(), helper: this.take() };
    const queues: Record<keyof typeof workers, FromExportWorker[]> = { lead: [], helper: [] };
    let from: keyof typeof workers = 'lead';
    let wanted = false;
    let leadEnded = false;
    let helperEnded = false;
    let settled = false;

    const stream = new Readable({
      highWaterMark: CREDIT * 32 * 1024,
      read: () => {
        wanted = true;
        pump();
      },
      destroy: (err, callback) => {
        // Destroyed once read to its end: the helper is released when it has ended too (done); otherwise both stop.
        if (err || !leadEnded) fail();
        callback(err);
      },
    });
    const pump = () => {
      while (wanted && !leadEnded) {
        const m = queues[from].shift();
        if (m === undefined) return;
        if ('chunk' in m) {
          workers[from].postMessage({ more: 1 } satisfies ToExportWorker);
          wanted = stream.push(m.chunk);
        } else if ('helperPage' in m) from = 'helper';
        else if ('pageEnd' in m) from = 'lead';
        else if ('end' in m) {
          leadEnded = true;
          stream.push(null);
          done();
        }
      }
    };
    const listeners = (name: keyof typeof workers) => ({
      message: (m: FromExportWorker) => {
        if ('error' in m) return void stream.destroy(exportFailure(m));
        if (name === 'helper' && 'end' in m) {
          helperEnded = true;
          return done();
        }
        queues[name].push(m);
        pump();
      },
      error: (err: Error) => stream.destroy(err),
      exit: (code: number) => stream.destroy(new Error(`the export worker stopped (exit code ${code})`)),
    });
    const on = { lead: listeners('lead'), helper: listeners('helper') };
    const detach = (name: keyof typeof workers) => workers[name].off('message', on[name].message).off('error', on[name].error).off('exit', on[name].exit);
    // Both are kept for the next export once both have ended their part (a helper is done once the lead is).
    const done = () => {
      if (settled || !leadEnded || !helperEnded) return;
      settled = true;
      detach('lead');
      detach('helper');
      this.release(workers.lead, true);
      this.release(workers.helper, true);
    };
    const fail = () => {
      if (settled) return;
      settled = true;
      detach('lead');
      detach('helper');
      this.release(workers.lead, false);
      this.release(workers.helper, false);
    };
    for (const name of ['lead', 'helper'] as const) {
      workers[name].on('message', on[name].message).on('error', on[name].error).on('exit', on[name].exit);
    }
    const channel = new MessageChannel();
    workers.helper.postMessage(
      { job: { ...job, credit: CREDIT, keepConnectionMs: this.keepConnectionMs, role: 'helper', peer: channel.port2 } } satisfies ToExportWorker,
      [channel.port2],
    );
    workers.lead.postMessage(
      { job: { ...job, credit: CREDIT, keepConnectionMs: this.keepConnectionMs, role: 'lead', peer: channel.port1 } } satisfies ToExportWorker,
      [channel.port1],
    );
    return stream;
  }

  /** An idle worker, or a new one. */
  private take(): Worker {
    const worker = this.idle.pop() ?? this.spawn();
    this.busy.add(worker);
    worker.ref();
    return worker;
  }

  /** Back to the idle ones (if `reusable` and there is room), else stopped. */
  private release(worker: Worker, reusable: boolean): void {
    this.busy.delete(worker);
    if (reusable && !this.closed && this.idle.length < IDLE_MAX) {
      this.idle.push(worker);
      worker.unref();
    } else void this.stop(worker);
  }

  /**
   * Ends a worker's thread: it is asked to stop, which it does between two of its tasks (export-worker.ts), and only
   * terminated from here if it has not within STOP_WAIT_MS (a read that long under way).
   */
  private async stop(worker: Worker): Promise<void> {
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ stop: true } satisfies ToExportWorker);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_WAIT_MS).unref()));
    if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
    clearTimeout(timer);
  }

  /**
   * A new worker. From the compiled gateway the worker is its .js file; from the TypeScript sources (tests, the
   * bench) node compiles the .ts file as it loads it, with ts-node and the project's tsconfig.json, found from here
   * whatever the process's working directory.
   */
  private spawn(): Worker {
    const ext = extname(__filename);
    const resourceLimits = { maxOldGenerationSizeMb: OLD_GENERATION_MB, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
    if (ext !== '.ts') return new Worker(join(__dirname, `export-worker${ext}`), { resourceLimits });
    return new Worker(join(__dirname, 'export-worker.ts'), {
      resourceLimits,
      execArgv: ['--require', require.resolve('ts-node/register/transpile-only')],
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json') },
    });
  }
}

/** A worker's failure as an error of this thread, with the driver's code (so a database out of reach reads as such). */
function exportFailure(m: { error: string; code?: string }): Error {
  return Object.assign(new Error(`the export failed: ${m.error}`), m.code === undefined ? {} : { code: m.code });
}
