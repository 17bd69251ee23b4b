import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { ArkUnavailableError, failedBeforeSending } from './ark-errors';
import type { ChunkedJsonBody } from './json-body';

/**
 * The connection pool of every upstream call of the process (keep-alive, as fetch's global one). undici's `request`
 * rather than `fetch`: the same HTTP client without the WHATWG layers (Headers, Response, web streams), which cost
 * about three times the CPU per call (bench/README.md § Profiles).
 */
const upstreamPool = new Agent({ keepAliveTimeout: 4_000 });

/** A chunked body goes out in pieces of this size, one per turn of the event loop. */
const PACE_BYTES = 256 * 1024;

export interface ExchangeRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** A chunked body (large, see json-body.ts) is streamed with its Content-Length, paced. */
  body?: string | ChunkedJsonBody;
  timeoutMs: number;
  /** The caller's own abort signal: its reason is rethrown as is. */
  signal?: AbortSignal;
  /** How the call is named in error messages (`GET /contents/…`, `CreateAsset`). */
  label: string;
}

/**
 * One HTTP exchange with BytePlus, shared by both clients: a timeout, and everything that means "the
 * upstream is unavailable" (timeout, broken connection, 5xx, a redirect or other non-2xx/4xx status)
 * thrown as ArkUnavailableError. 2xx and 4xx answers come back for the caller to read.
 */
export async function exchange(req: ExchangeRequest): Promise<{ status: number; text: string }> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  let status: number;
  let text: string;
  try {
    // No redirect is followed (undici's request never does): a 3xx is answered as bad_response below.
    const response = await request(req.url, { method: req.method as never, ...bodyInit(req), signal, dispatcher: upstreamPool });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    if (req.signal?.aborted && !timeout.aborted) throw req.signal.reason;
    if (timeout.aborted) {
      throw new ArkUnavailableError('timeout', `Upstream did not answer ${req.label} within ${req.timeoutMs} ms`, undefined, { cause: error });
    }
    throw new ArkUnavailableError('network', `Upstream connection failed for ${req.label}: ${describe(error)}`, undefined, {
      cause: error,
      requestSent: !failedBeforeSending(error),
    });
  }
  if (status >= 500) throw new ArkUnavailableError('server_error', `Upstream answered ${status} to ${req.label}`, status);
  if (status < 200 || (status >= 300 && status < 400)) {
    throw new ArkUnavailableError('bad_response', `Upstream answered ${status} to ${req.label}`, status);
  }
  return { status, text };
}

function bodyInit(req: ExchangeRequest): { headers: Record<string, string>; body?: string | Readable } {
  if (typeof req.body !== 'object') return { headers: req.headers, body: req.body };
  return { headers: { ...req.headers, 'Content-Length': String(req.body.byteLength) }, body: Readable.from(paced(req.body.chunks), { objectMode: false }) };
}

/** The chunks in pieces of PACE_BYTES, each after a turn of the event loop, so that sending never holds it. */
async function* paced(chunks: Buffer[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += PACE_BYTES) {
      await new Promise((resolve) => setImmediate(resolve));
      yield chunk.subarray(i, i + PACE_BYTES);
    }
  }
}

/** A 2xx body as JSON, or an ArkUnavailableError saying it was not JSON. */
export function parseJsonAnswer(text: string, label: string, status: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ArkUnavailableError('bad_response', `Upstream answered ${label} with a body that is not JSON`, status);
  }
}

/** A 4xx body: JSON when it is JSON, else the text. */
export function parseLenient(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string' && !own.startsWith('UND_ERR')) return `${own} (${error.message})`;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${cause.message})` : cause.message;
  }
  return error.message;
}
