import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';

/** Bodies from this size on are parsed off the event loop. */
const WORKER_FROM_BYTES = 1024 * 1024;

/**
 * Runs in the worker: parses one body per message and answers with the value or the error. The code is
 * plain JavaScript so it runs the same from `dist/` and under ts-node.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, bytes }) => {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    parentPort.postMessage({ id, value: JSON.parse(text) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message) });
  }
});
`;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/**
 * JSON.parse of request bodies (docs/contract.md §10: nothing blocks other requests for more than 100 ms). A
 * 60 MB body takes ~200 ms to decode and parse, so large bodies are parsed in one worker thread and
 * only the finished value is copied back (tens of ms); small ones are parsed in place.
 */
@Injectable()
export class JsonParser implements OnModuleDestroy {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** The parsed value; throws a SyntaxError for text that is not JSON. */
  async parse(bytes: Buffer): Promise<unknown> {
    if (bytes.length < WORKER_FROM_BYTES) {
      let text = bytes.toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      return JSON.parse(text);
    }
    const worker = this.ensureWorker();
    const id = this.nextId++;
    // Handed over without a copy when the bytes own their memory (a body buffer does); else copied once.
    const owned =
      bytes.byteOffset === 0 && bytes.buffer.byteLength >= bytes.length && bytes.buffer.byteLength - bytes.length < WORKER_FROM_BYTES
        ? bytes
        : Buffer.from(bytes);
    const view = new Uint8Array(owned.buffer, owned.byteOffset, owned.length);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, bytes: view }, [view.buffer as ArrayBuffer]);
    });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (msg: { id: number; value?: unknown; error?: string }) => {
      const job = this.pending.get(msg.id);
      if (!job) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.error !== undefined) job.reject(new SyntaxError(msg.error));
      else job.resolve(msg.value);
    });
    const failAll = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const job of this.pending.values()) job.reject(err);
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', () => failAll(new Error('the JSON parser worker stopped')));
    this.worker = worker;
    return worker;
  }
}
