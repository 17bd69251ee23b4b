import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service';
import { routeTemplateOf } from './route-template';

/**
 * Express middleware, mounted before everything else, that counts and times every answered request by method, route
 * template and status (`arkgate_http_requests_total`, `arkgate_http_request_duration_seconds`).
 */
export function httpMetrics(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!metrics.httpEnabled) return next();
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeHttp(req.method, routeTemplateOf(req), res.statusCode, seconds);
    });
    next();
  };
}
