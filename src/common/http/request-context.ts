import type { ExecutionContext } from '@nestjs/common';
import { randomFillSync } from 'node:crypto';
import type { Principal } from '../tenant-identity/tenant-context';

/** What arkgate keeps about the HTTP request in flight, attached once by RequestContextMiddleware. */
export interface RequestContext {
  /** The client's X-Client-Request-Id when it sent a usable one, else one arkgate made. */
  requestId: string;
  /** True when the id came from the client. */
  clientSupplied: boolean;
  ip: string;
  /** Set once authentication succeeded. */
  principal?: Principal;
  /**
   * The route handler the caller reached, set with `principal` by the guard: what the route declares about itself
   * can be read from it by whoever handles a refusal that happens before the handler runs.
   */
  handler?: ReturnType<ExecutionContext['getHandler']>;
  /** True once an event for this request has been written. */
  audited?: boolean;
}

const KEY = Symbol('arkgate.requestContext');
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

/** Random bytes for request ids, drawn 4 KiB at a time: one call into the CSPRNG per ~400 requests instead of each. */
const ID_BYTES = 10;
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** The `YYYYMMDDhhmmss` of the last second an id was made in: formatted once per second, not per request. */
let stampSecond = -1;
let stamp = '';

/** A BytePlus-style request id: UTC timestamp followed by random hex. */
export function newRequestId(now = new Date()): string {
  const second = Math.floor(now.getTime() / 1000);
  if (second !== stampSecond) {
    stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    stampSecond = second;
  }
  return `${stamp}${randomHex(ID_BYTES).toUpperCase()}`;
}

export function attachRequestContext(request: object, clientRequestId: unknown, ip: string): RequestContext {
  const supplied = typeof clientRequestId === 'string' && CLIENT_ID.test(clientRequestId) ? clientRequestId : undefined;
  const ctx: RequestContext = { requestId: supplied ?? newRequestId(), clientSupplied: !!supplied, ip };
  (request as Record<symbol, RequestContext>)[KEY] = ctx;
  return ctx;
}

/** The request's context, attached now (as attachRequestContext) unless an earlier middleware (the request log) did. */
export function ensureRequestContext(request: object, clientRequestId: unknown, ip: string): RequestContext {
  return (request as Record<symbol, RequestContext | undefined>)[KEY] ?? attachRequestContext(request, clientRequestId, ip);
}

export function requestContextOf(request: object): RequestContext {
  const ctx = (request as Record<symbol, RequestContext | undefined>)[KEY];
  return ctx ?? { requestId: newRequestId(), clientSupplied: false, ip: '' };
}

/** The context of work arkgate does on its own behalf (bootstrap, jobs): no principal, no client. */
export function systemContext(): RequestContext {
  return { requestId: newRequestId(), clientSupplied: false, ip: '' };
}
