import type { NextFunction, Request, Response } from 'express';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { ensureRequestContext, requestContextOf } from '../common/http/request-context';
import type { AppConfig } from '../config/app-config';
import { routeTemplateOf } from './route-template';

/** The process's one pino logger: the request log and Nest's Logger (AppLogger) write through it. */
export const LOG_ROOT = Symbol('arkgate.logRoot');

/**
 * The logger of the request log (docs/contract.md §12): JSON lines to stdout, pretty lines for a terminal (the default
 * with the sandbox), or `destination` (tests capture the log with it).
 */
export function createLogRoot(config: AppConfig, destination?: DestinationStream): Logger {
  const stream = destination ?? (config.log.format === 'pretty' ? prettyStream() : undefined);
  const options = { level: config.log.level };
  return stream ? pino(options, stream) : pino(options);
}

/**
 * Express middleware, mounted before the routes: one line per request with the request id, tenant id, method, route
 * template, status and duration, and nothing else of the request: no URL (it may carry ids or a query), no header
 * (tokens, keys), no body. `info` for an answer below 500, `error` for a 5xx or a request whose answer never finished.
 *
 * It allocates nothing per request beyond its two listeners, and writes only when the line's level is enabled;
 * and it binds no logger to the request through AsyncLocalStorage: on Node 20 an active AsyncLocalStorage makes every
 * promise of the process pay for async hooks (measured in bench/README.md § Profiles). Log lines written while serving
 * a request name its request id in their message where it matters (e.g. `[<request id>] refresh of … failed`).
 */
export function requestLog(root: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // The request id of the response header and the audit trail.
    const ctx = ensureRequestContext(req, req.headers['x-client-request-id'], req.ip ?? req.socket.remoteAddress ?? '');
    const started = performance.now();
    // 'finish' when the answer was handed over (the route is still known then), 'close' alone when it never was.
    const done = () => {
      res.off('finish', done);
      res.off('close', done);
      const failed = !res.writableFinished || res.statusCode >= 500;
      const level = failed ? 'error' : 'info';
      if (!root.isLevelEnabled(level)) return;
      const ms = Math.round(performance.now() - started);
      const route = routeTemplateOf(req);
      root[level](
        {
          request_id: ctx.requestId,
          tenant_id: requestContextOf(req).principal?.tenant?.id,
          method: req.method,
          route,
          status: res.statusCode,
          duration_ms: ms,
        },
        `${req.method} ${route} ${res.statusCode}${res.writableFinished ? ` ${ms} ms` : ' (answer not finished)'}`,
      );
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}

function prettyStream(): DestinationStream {
  return pretty({
    sync: true,
    colorize: !!process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,request_id,tenant_id,method,route,status,duration_ms,context',
    messageFormat: (log: Record<string, unknown>, messageKey: string) => {
      const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
      const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : v === undefined || v === null ? '' : JSON.stringify(v));
      const ids = [text(log.request_id), log.tenant_id ? `tenant ${text(log.tenant_id)}` : ''].filter(Boolean).join(', ');
      return `${context}${text(log[messageKey])}${ids ? ` (${ids})` : ''}`;
    },
  });
}
