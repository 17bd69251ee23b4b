/**
 * The small HTTP vocabulary shared by every sandbox surface.
 *
 * The server reads the whole request first, then asks each surface in turn for a route. A route with an
 * `op` is an upstream operation: it is recorded in `control.requests()` and can be hit by injected faults.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface SandboxRequest {
  method: string;
  /** URL path as received (still percent-encoded). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Sandbox clock (ms) when the request arrived. */
  at: number;
}

export interface SandboxReply {
  status: number;
  headers?: Record<string, string>;
  /** A Buffer is sent as is, a Readable piped (with `length` as Content-Length); anything else as JSON. Undefined sends no body. */
  body?: unknown;
  /** Content-Length of a Readable body. */
  length?: number;
}

export interface SandboxRoute {
  /** Upstream operation name (`create`, `get`, `list`, `delete`, an OpenAPI Action, …); absent for sandbox-only routes. */
  op?: string;
  /** Group of operations a fault may name instead of `op` (e.g. `openapi` for every control-plane action). */
  family?: string;
  /** Error body in this route's own dialect, for a status fault given no body; default the data-plane error body. */
  errorBody?(status: number, code: string, message: string): unknown;
  handle(): SandboxReply | Promise<SandboxReply>;
}

/** One group of routes (data plane, control-plane OpenAPI, files, control API, …). */
export interface SandboxSurface {
  /** The route serving this request, or null when the request is not for this surface. */
  route(req: SandboxRequest): SandboxRoute | null;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  413: 'RequestEntityTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServiceError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
};

/** HTTP class name used as `error.type`. */
export function errorTypeFor(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'InternalServiceError' : 'BadRequest');
}

/** Native data-plane error body: `{"error": {"code", "message", "param", "type"}}`. */
export function arkErrorBody(status: number, code: string, message: string, param = '') {
  return { error: { code, message, param, type: errorTypeFor(status) } };
}

export function arkError(status: number, code: string, message: string, param = ''): SandboxReply {
  return { status, body: arkErrorBody(status, code, message, param) };
}

export function json(body: unknown, status = 200): SandboxReply {
  return { status, body };
}

/** JSON body parsed, or the text when it is not JSON, or undefined when empty. */
export function bodyForRecord(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Query as a plain object; keys that repeat become arrays. */
export function queryToObject(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of query) {
    const seen = out[key];
    if (seen === undefined) out[key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[key] = [seen, value];
  }
  return out;
}

/** Percent-decoded path segment, or the segment itself when it is not valid percent-encoding. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
