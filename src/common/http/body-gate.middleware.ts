import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import type { Principal } from '../tenant-identity/tenant-context';
import { DomainError } from '../errors/domain-error';
import { JsonLimitScanner } from './json-limit-scanner';
import { JsonParser, releaseOnceAnswered } from './json-parser';
import { requestContextOf } from './request-context';

/** Who the `Authorization` header names; throws a DomainError (401, or 429 past the unauthenticated rate). */
export interface RequestAuthenticator {
  authenticate(authorization: string | undefined, ip: string): Promise<Principal>;
}

export const REQUEST_AUTHENTICATOR = Symbol('REQUEST_AUTHENTICATOR');

/** After a refusal, how long the client may go on sending (discarded unread) before its connection is cut. */
const LINGER_MS = 2000;

/**
 * HTTP-adapter infrastructure (docs/contract.md §10, "hostile input"): the one place that reads request bodies,
 * in place of a body parser, and the first thing every request meets after its request id.
 *
 * - A URL with a NUL (`%00`) is refused; one with `?access_token=` is answered 401, whatever else it carries.
 * - A request with a body is authenticated from the `Authorization: Bearer` header before one byte of
 *   the body is read; without a valid token it is answered 401 (429 past the per-address rate) and its
 *   connection closed, so at most what the socket had buffered (≤ 64 KB) was ever read.
 * - An authenticated body is read up to the size limit while the JSON limits are scanned chunk by chunk
 *   (depth, keys and items, NUL, prototype keys, body `access_token`); the first chunk that passes a limit
 *   ends the read with 400 (413 for size), so a hostile body is never read to its end nor parsed.
 * - Only then is it parsed (large bodies off the event loop) and set as the request body; on the create routes a
 *   large base64 data URI stays bytes behind a stand-in until the answer (libs/byteplus/src/held-strings.ts).
 *
 * The principal found here is stashed on the request context; the global guard reuses it instead of
 * looking the token up again, and stays the authority on roles and entitlements. Requests without a
 * body (health, docs, GETs) pass untouched: the guard authenticates them.
 */
@Injectable()
export class BodyGateMiddleware implements NestMiddleware {
  private readonly limitBytes: number;

  constructor(
    @Inject(REQUEST_AUTHENTICATOR) private readonly auth: RequestAuthenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly parser: JsonParser,
  ) {
    this.limitBytes = config.maxBodyMb * 1024 * 1024;
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const url = req.originalUrl ?? req.url;
    if (hasNul(url)) {
      throw DomainError.invalid('', 'The request URL must not contain NUL characters (%00).');
    }
    if (/[?&]access_token=/i.test(url)) {
      throw new DomainError('unauthorized', 'Send the API token only in the Authorization: Bearer header, never in the URL.');
    }
    if (!hasBody(req)) {
      if (req.headers['content-length'] === '0') req.body = {};
      return next();
    }
    const ctx = requestContextOf(req);
    try {
      ctx.principal = await this.auth.authenticate(req.headers.authorization, ctx.ip);
      const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding !== 'identity') throw DomainError.invalid('Content-Encoding', `Content-Encoding ${encoding} is not supported; send the body uncompressed.`);
      if (isMultipart(req)) return next(); // left unread for the route's own multipart reader
      req.body = await this.readJson(req, res);
    } catch (err) {
      if (!req.complete) closeAfterAnswer(req, res, this.limitBytes);
      throw err;
    }
    next();
  }

  private async readJson(req: Request, res: Response): Promise<unknown> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.limitBytes) throw this.tooLarge();
    const bytes = await readScanned(req, this.limitBytes, () => this.tooLarge());
    if (bytes.length === 0) return {};
    const first = firstSignificantByte(bytes);
    if (first !== 0x7b && first !== 0x5b) throw notJson();
    try {
      const parsed = await this.parser.parse(bytes, { holdStrings: holdsStrings(req) });
      releaseOnceAnswered(res, parsed.release);
      return parsed.value;
    } catch (err) {
      if (err instanceof SyntaxError) throw notJson();
      throw err;
    }
  }

  private tooLarge(): DomainError {
    return new DomainError('payload_too_large', `Request body exceeds the limit of ${this.config.maxBodyMb} MB.`);
  }
}

/**
 * The creates, whose large base64 data URIs are held as bytes until the answer (libs/byteplus/src/held-strings.ts):
 * everything that reads them there knows stand-ins. Other routes get their strings as sent.
 */
const HOLDING_ROUTES = new Set(['/volcark/api/v3/contents/generations/tasks', '/v1/videos']);

function holdsStrings(req: Request): boolean {
  if (req.method !== 'POST') return false;
  const url = req.originalUrl ?? req.url;
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).replace(/\/+$/, '');
  return HOLDING_ROUTES.has(path);
}

function notJson(): DomainError {
  return new DomainError('invalid_request', 'The request body is not valid JSON.');
}

/**
 * The body's bytes, read chunk by chunk under the size limit and the JSON limits; the first violation
 * rejects. Each chunk is copied into one buffer as it arrives (sized by Content-Length, grown by doubling
 * otherwise), so no step copies the whole body at once on the event loop.
 */
function readScanned(req: IncomingMessage, limitBytes: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const scanner = new JsonLimitScanner();
    const declared = Number(req.headers['content-length']);
    let buffer = Buffer.allocUnsafe(Number.isSafeInteger(declared) && declared >= 0 ? declared : 64 * 1024);
    let size = 0;
    const done = (err?: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (err) {
        req.pause();
        buffer = Buffer.alloc(0);
        reject(err);
      } else {
        resolve(buffer.subarray(0, size));
      }
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limitBytes) return done(tooLarge());
      const violation = scanner.feed(chunk);
      if (violation) return done(DomainError.invalid(violation.param, violation.message));
      if (size + chunk.length > buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(limitBytes, Math.max(buffer.length * 2, size + chunk.length)));
        buffer.copy(grown, 0, 0, size);
        buffer = grown;
      }
      chunk.copy(buffer, size);
      size += chunk.length;
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(DomainError.invalid('', `The request body could not be read: ${err.message}`));
    const onAborted = () => done(DomainError.invalid('', 'The request body ended early.'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * After a refusal sent before the body was read, the rest of the body is discarded — never buffered or parsed — up
 * to the body size limit or LINGER_MS, past either the connection is cut. The socket is not closed with the answer:
 * Node would destroy it as soon as the answer is written, and a client still writing its body would then read a
 * reset instead of the answer.
 */
function closeAfterAnswer(req: IncomingMessage, res: Response, lingerBytes: number): void {
  // A client that sent `Connection: close` (as most one-shot clients do) would otherwise have the socket destroyed
  // the moment the answer is written; kept open, the answer is read first and the linger below bounds the rest.
  (res as unknown as { shouldKeepAlive: boolean }).shouldKeepAlive = true;
  res.once('finish', () => {
    const socket = req.socket;
    let discarded = 0;
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > lingerBytes) socket.destroy();
    };
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    // Whichever comes first, the body's end or the connection's close, removes all three: a kept-alive connection
    // refused request after request would otherwise gather one close listener (and the request it holds) per refusal.
    const stop = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', stop);
      socket.off('close', stop);
    };
    req.on('data', onData);
    req.once('end', stop);
    socket.once('close', stop);
    req.resume();
  });
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isMultipart(req: IncomingMessage): boolean {
  return /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');
}

function hasNul(url: string): boolean {
  return url.includes('\0') || /%00/.test(url);
}

function firstSignificantByte(bytes: Buffer): number {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  for (; i < bytes.length; i++) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
  }
  return -1;
}
