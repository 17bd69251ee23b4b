import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ensureRequestContext } from './request-context';

/**
 * The one place that reads the raw request: keeps the client's X-Client-Request-Id (or makes one)
 * and echoes it as X-Request-Id on every response, errors included.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const ctx = ensureRequestContext(req, req.header('x-client-request-id'), req.ip ?? '');
    res.setHeader('X-Request-Id', ctx.requestId);
    next();
  }
}
