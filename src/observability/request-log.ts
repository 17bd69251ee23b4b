import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { ensureRequestContext, requestContextOf } from '../common/http/request-context';
import type { AppConfig } from '../config/app-config';
import { routeTemplateOf } from './route-template';

/**
 * The request log (docs/contract.md §12): one line per request with the request id, tenant id, method, route template,
 * status and duration, and nothing else of the request: no URL (it may carry ids or a query), no header (tokens,
 * keys), no body. JSON lines, or pretty lines for a terminal (the default with the sandbox). Nest's own Logger writes
 * through the same logger, so upstream failures, reconciliations and fallbacks appear among the requests.
 */
export function requestLogParams(config: AppConfig, destination?: DestinationStream): Params {
  const stream = destination ?? (config.log.format === 'pretty' ? prettyStream() : undefined);
  const options = {
    level: config.log.level,
    // Nothing of the raw request or response is ever serialized: no headers, no URL, no body.
    serializers: { req: dropped, res: dropped },
    wrapSerializers: false,
    quietReqLogger: true,
    // The request id of the response header and the audit trail, so Nest's log lines during a request carry it too.
    genReqId: (req: IncomingMessage) => {
      const ip = (req as IncomingMessage & { ip?: string }).ip ?? req.socket.remoteAddress ?? '';
      return ensureRequestContext(req, req.headers['x-client-request-id'], ip).requestId;
    },
    customAttributeKeys: { reqId: 'request_id', responseTime: 'duration_ms' },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse, ms: number) => lineOf(req, res, ms),
    customErrorMessage: (req: IncomingMessage, res: ServerResponse) => lineOf(req, res),
    customSuccessObject: (req: IncomingMessage, res: ServerResponse, val: Record<string, unknown>) => fieldsOf(req, res, val),
    customErrorObject: (req: IncomingMessage, res: ServerResponse, _err: Error, val: Record<string, unknown>) => fieldsOf(req, res, val),
  };
  return { pinoHttp: stream ? [options, stream] : options };
}

function dropped(): undefined {
  return undefined;
}

function fieldsOf(req: IncomingMessage, res: ServerResponse, val: Record<string, unknown>): Record<string, unknown> {
  const ctx = requestContextOf(req);
  return {
    tenant_id: ctx.principal?.tenant?.id,
    method: req.method,
    route: routeTemplateOf(req as never),
    status: res.statusCode,
    duration_ms: val.duration_ms,
  };
}

function lineOf(req: IncomingMessage, res: ServerResponse, ms?: number): string {
  return `${req.method} ${routeTemplateOf(req as never)} ${res.statusCode}${ms === undefined ? '' : ` ${ms} ms`}`;
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
