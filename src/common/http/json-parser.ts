import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { BASE64_DATA_URI, hold, HOLD_FROM_CHARS, STAND_IN_PAYLOAD_CHARS, type HeldString } from '@arkgate/byteplus';

/** Bodies from this size on are parsed off the event loop. */
const WORKER_FROM_BYTES = 1024 * 1024;

/**
 * Runs in the worker: parses one body per message and answers with the value or the error. With `holdStrings`, every
 * base64 data URI of HOLD_FROM_CHARS or more in the value is replaced by a stand-in and sent back as the bytes of its
 * JSON text, made and touched here (libs/byteplus/src/held-strings.ts). The code is plain JavaScript so it runs the
 * same from `dist/` and under ts-node.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash, randomBytes } = require('node:crypto');
const HOLD_FROM = ${HOLD_FROM_CHARS};
const KEEP = ${STAND_IN_PAYLOAD_CHARS};
const DATA_URI = ${BASE64_DATA_URI.toString()};
function holdIn(v, held) {
  if (typeof v === 'string') {
    if (v.length < HOLD_FROM || !DATA_URI.test(v)) return v;
    const standIn = v.slice(0, v.indexOf(',') + 1 + KEEP) + randomBytes(32).toString('hex');
    const json = new Uint8Array(v.length + 2);
    json[0] = 0x22;
    Buffer.from(json.buffer).write(v, 1, 'latin1');
    json[json.length - 1] = 0x22;
    const sha256 = createHash('sha256').update(json.subarray(1, json.length - 1)).digest('hex');
    held.push({ standIn, json, length: v.length, sha256 });
    return standIn;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = holdIn(v[i], held);
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) v[k] = holdIn(v[k], held);
  }
  return v;
}
parentPort.on('message', ({ id, bytes, holdStrings }) => {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message) });
    return;
  }
  text = undefined;
  const held = [];
  if (holdStrings) value = holdIn(value, held);
  parentPort.postMessage({ id, value, held }, held.map((h) => h.json.buffer));
});
`;

/** A parsed body, and what releases the strings it holds (call it once the request is done). */
export interface ParsedJson {
  value: unknown;
  release: () => void;
}

interface WorkerAnswer {
  id: number;
  value?: unknown;
  error?: string;
  held?: Array<{ standIn: string; json: Uint8Array; length: number; sha256: string }>;
}

type Pending = { resolve: (v: ParsedJson) => void; reject: (e: Error) => void };

/**
 * JSON.parse of request bodies (docs/contract.md §10: nothing blocks other requests for more than 100 ms). A
 * 60 MB body takes ~200 ms to decode and parse, so large bodies are parsed in one worker thread and only the
 * finished value is copied back; small ones are parsed in place. Copying back a 60 MB string would itself stall the
 * event loop for its page faults (200–300 ms on some machines), so with `holdStrings` large base64 data URIs come
 * back as held bytes behind stand-ins (libs/byteplus/src/held-strings.ts) until `release`.
 */
@Injectable()
export class JsonParser implements OnModuleDestroy {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** The parsed value; throws a SyntaxError for text that is not JSON. */
  async parse(bytes: Buffer, opts: { holdStrings?: boolean } = {}): Promise<ParsedJson> {
    if (bytes.length < WORKER_FROM_BYTES) {
      let text = bytes.toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      return { value: JSON.parse(text), release: NOTHING_HELD };
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
      worker.postMessage({ id, bytes: view, holdStrings: opts.holdStrings === true }, [view.buffer as ArrayBuffer]);
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
    worker.on('message', (msg: WorkerAnswer) => {
      const job = this.pending.get(msg.id);
      if (!job) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.error !== undefined) job.reject(new SyntaxError(msg.error));
      else job.resolve({ value: msg.value, release: holdAll(msg.held ?? []) });
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

const NOTHING_HELD = (): void => undefined;

/** Registers the worker's held strings; the returned function releases them all (once is enough, more is harmless). */
function holdAll(held: NonNullable<WorkerAnswer['held']>): () => void {
  if (held.length === 0) return NOTHING_HELD;
  const releases = held.map((h) => {
    const entry: HeldString = { json: Buffer.from(h.json.buffer, h.json.byteOffset, h.json.length), length: h.length, sha256: h.sha256 };
    return hold(h.standIn, entry);
  });
  return () => releases.forEach((release) => release());
}
