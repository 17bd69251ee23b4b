import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Response } from 'express';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { BASE64_DATA_URI, hold, HOLD_FROM_CHARS, STAND_IN_PAYLOAD_CHARS, type HeldString } from '@arkgate/byteplus';

/** Bodies from this size on are parsed off the event loop. */
const WORKER_FROM_BYTES = 1024 * 1024;

/**
 * Runs in the worker: parses one body per message and answers with the value or the error. With `holdStrings`, every
 * base64 data URI of HOLD_FROM_CHARS or more in the value is replaced by a stand-in and sent back as the bytes of its
 * JSON text, made and touched here (libs/byteplus/src/held-strings.ts). An uploaded file arrives as `chunk` messages
 * and is answered, at `encodeAs` (its media type), as its data URI: held from HOLD_FROM_CHARS on. The code is plain
 * JavaScript so it runs the same from `dist/` and under ts-node.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash, randomBytes } = require('node:crypto');
const HOLD_FROM = ${HOLD_FROM_CHARS};
const KEEP = ${STAND_IN_PAYLOAD_CHARS};
const DATA_URI = ${BASE64_DATA_URI.toString()};
/** The held form of data URI \`uri\` (ASCII): its JSON text's bytes, touched here, its stand-in, length and digest. */
function held(uri) {
  const json = new Uint8Array(uri.length + 2);
  json[0] = 0x22;
  Buffer.from(json.buffer).write(uri, 1, 'latin1');
  json[json.length - 1] = 0x22;
  const sha256 = createHash('sha256').update(json.subarray(1, json.length - 1)).digest('hex');
  const standIn = uri.slice(0, uri.indexOf(',') + 1 + KEEP) + randomBytes(32).toString('hex');
  return { standIn, json, length: uri.length, sha256 };
}
function holdIn(v, out) {
  if (typeof v === 'string') {
    if (v.length < HOLD_FROM || !DATA_URI.test(v)) return v;
    const h = held(v);
    out.push(h);
    return h.standIn;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = holdIn(v[i], out);
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) v[k] = holdIn(v[k], out);
  }
  return v;
}
const uploads = new Map();
parentPort.on('message', ({ id, bytes, holdStrings, chunk, encodeAs, drop }) => {
  if (chunk !== undefined) {
    const parts = uploads.get(id);
    if (parts) parts.push(chunk);
    else uploads.set(id, [chunk]);
    return;
  }
  if (drop) {
    uploads.delete(id);
    return;
  }
  if (encodeAs !== undefined) {
    const parts = uploads.get(id) || [];
    uploads.delete(id);
    const uri = 'data:' + encodeAs + ';base64,' + Buffer.concat(parts).toString('base64');
    if (uri.length < HOLD_FROM) {
      parentPort.postMessage({ id, value: uri });
      return;
    }
    const h = held(uri);
    parentPort.postMessage({ id, held: [h] }, [h.json.buffer]);
    return;
  }
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
  const out = [];
  if (holdStrings) value = holdIn(value, out);
  parentPort.postMessage({ id, value, held: out }, out.map((h) => h.json.buffer));
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

type Pending = { resolve: (answer: WorkerAnswer) => void; reject: (e: Error) => void };

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
    const answer = await this.send(bytes, { holdStrings: opts.holdStrings === true });
    if (answer.error !== undefined) throw new SyntaxError(answer.error);
    return { value: answer.value, release: holdAll(answer.held ?? []) };
  }

  /**
   * `data:<mediaType>;base64,<file>` for a file read from `stream` (an upload): its chunks are copied to the worker as
   * they arrive and the data URI is made there, so the event loop never holds the whole file nor its base64. From a
   * megabyte of base64 on the answer is a held string's stand-in (libs/byteplus/src/held-strings.ts), valid until
   * `release`. `size` is the file's length in bytes.
   */
  dataUriOf(mediaType: string, stream: Readable): Promise<ParsedJson & { value: string; size: number }> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    let size = 0;
    return new Promise((resolve, reject) => {
      // Pending from the first chunk on, so a worker that stops mid-upload rejects the upload (failAll) instead of
      // leaving it waiting for an answer from a worker that is gone.
      this.pending.set(id, {
        resolve: (answer) => {
          if (typeof answer.value === 'string') resolve({ value: answer.value, size, release: NOTHING_HELD });
          else if (answer.held?.length === 1) resolve({ value: answer.held[0].standIn, size, release: holdAll(answer.held) });
          else reject(new Error(answer.error ?? 'the worker answered no data URI'));
        },
        reject,
      });
      worker.ref();
      const live = () => this.pending.has(id);
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (live()) worker.postMessage({ id, chunk: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length) });
      });
      stream.once('error', (err: Error) => {
        if (!live()) return;
        this.pending.delete(id);
        if (this.pending.size === 0) worker.unref();
        worker.postMessage({ id, drop: true });
        reject(err);
      });
      stream.once('end', () => {
        if (live()) worker.postMessage({ id, encodeAs: mediaType });
      });
    });
  }

  private send(bytes: Buffer, job: { holdStrings: boolean }): Promise<WorkerAnswer> {
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
      worker.postMessage({ id, bytes: view, ...job }, [view.buffer as ArrayBuffer]);
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
      job.resolve(msg);
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

/**
 * Calls `release` once the answer has been handed over (`res.end`), however the request ends: a client that hung up
 * mid-create does not end its create, which still reads its held strings until it answers into the closed socket.
 */
export function releaseOnceAnswered(res: Response, release: () => void): void {
  if (release === NOTHING_HELD) return;
  if (res.writableEnded) return release();
  const end = res.end.bind(res);
  res.end = ((...args: Parameters<Response['end']>) => {
    res.end = end;
    try {
      return end(...args);
    } finally {
      release();
    }
  }) as Response['end'];
}
