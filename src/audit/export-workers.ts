import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { ExportJob, FromExportWorker, ToExportWorker } from './export-worker';

/** Chunks a worker may have sent ahead of the response (each about 32 KB of text). */
const CREDIT = 16;

/**
 * Worker threads for the auditor export on a SQLite file: the reads and the formatting of an export run on one
 * (src/audit/export-worker.ts, a read-only connection of its own), so the gateway's thread only writes the chunks to
 * the response — an export no longer holds other requests for the time of a page, and the reading of the next chunk
 * goes on while the last one is written (bench/profiles/S6.md, sixth round). A worker runs one export at a time; one
 * is kept idle between exports, the others stop when theirs ends.
 */
@Injectable()
export class ExportWorkers implements OnApplicationShutdown {
  private idle: Worker | null = null;
  private readonly busy = new Set<Worker>();
  private closed = false;

  /** The export's text as a byte stream, read and formatted on a worker; destroying the stream stops the export. */
  stream(job: Omit<ExportJob, 'credit'>): Readable {
    const worker = this.idle ?? this.spawn();
    this.idle = null;
    this.busy.add(worker);
    worker.ref();
    let finished = false;
    const finish = (reusable: boolean) => {
      if (finished) return;
      finished = true;
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      this.busy.delete(worker);
      if (reusable && !this.closed && this.idle === null) {
        this.idle = worker;
        worker.unref();
      } else void worker.terminate();
    };
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
      } else stream.destroy(new Error(`the export failed: ${m.error}`));
    };
    const onError = (err: Error) => stream.destroy(err);
    const onExit = (code: number) => stream.destroy(new Error(`the export worker stopped (exit code ${code})`));
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage({ job: { ...job, credit: CREDIT } } satisfies ToExportWorker);
    return stream;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const all = [...this.busy, ...(this.idle ? [this.idle] : [])];
    this.idle = null;
    await Promise.all(all.map((w) => w.terminate()));
  }

  /**
   * A new worker. From the compiled gateway the worker is its .js file; from the TypeScript sources (tests, the
   * bench) node compiles the .ts file as it loads it, with ts-node and the project's tsconfig.json, found from here
   * whatever the process's working directory.
   */
  private spawn(): Worker {
    const ext = extname(__filename);
    if (ext !== '.ts') return new Worker(join(__dirname, `export-worker${ext}`));
    return new Worker(join(__dirname, 'export-worker.ts'), {
      execArgv: ['--require', require.resolve('ts-node/register/transpile-only')],
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json') },
    });
  }
}
