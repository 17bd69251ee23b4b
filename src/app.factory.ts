import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AdminService } from './admin/admin.service';
import { AppModule } from './app.module';
import type { Response } from 'express';
import type { Server } from 'node:http';
import { packageVersion } from './common/package-version';
import type { DestinationStream } from 'pino';
import { InFlightRequests } from './common/lifecycle/in-flight-requests';
import { AppLogger } from './observability/app-logger';
import { LOG_ROOT, requestLog } from './observability/request-log';
import { httpMetrics } from './observability/http-metrics';
import { MetricsService } from './observability/metrics.service';
import type { AppConfig } from './config/app-config';
import { BEARER_SCHEME } from './tenancy/auth/api-auth.decorators';

/**
 * Builds the gateway (migrations applied, Swagger mounted) without listening. The bootstrap admin token is synced
 * here unless `syncAdmin` is false: `main.ts` syncs it only once the port is bound, so a failed start writes nothing,
 * and then calls `InFlightRequests.open()` (until then requests wait).
 * Signals are handled by `installGracefulShutdown` (main.ts), not by Nest's shutdown hooks.
 */
export async function createApp(
  config: AppConfig,
  opts: {
    logger?: false;
    syncAdmin?: boolean;
    logStream?: DestinationStream;
  } = {},
): Promise<INestApplication> {
  // `logger: false` (tests) silences the request log too, unless the caller captures it with `logStream`.
  const quiet = opts.logger === false && !opts.logStream;
  const effective: AppConfig = quiet ? { ...config, log: { ...config.log, level: 'silent' } } : config;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(effective, { logStream: opts.logStream }), {
    bodyParser: false,
    logger: quiet ? false : ['warn', 'error'],
  });
  if (!quiet) app.useLogger(app.get(AppLogger));
  app.disable('x-powered-by');
  app.use(httpMetrics(app.get(MetricsService)));
  app.use(app.get(InFlightRequests).track);
  app.use(requestLog(app.get(LOG_ROOT)));
  // No ETag: BytePlus sends none, and a client's If-None-Match would otherwise get a 304 it never gets from BytePlus.
  app.set('etag', false);
  // The root sends a browser to the API docs.
  app
    .getHttpAdapter()
    .getInstance()
    .get('/', (_req: unknown, res: Response) => res.redirect(302, '/docs'));
  // No body parser: BodyGateMiddleware reads bodies, only after authentication (docs/contract.md §10).
  app.set('trust proxy', 'loopback');
  mountSwagger(app, config);
  if (opts.syncAdmin !== false) {
    await app.get(AdminService).syncBootstrapAdmin(config.adminToken);
    app.get(InFlightRequests).open();
  }
  return app;
}

function mountSwagger(app: INestApplication, config: AppConfig): void {
  const doc = new DocumentBuilder()
    .setTitle('arkgate')
    .setDescription(
      [
        'A gateway for Dreamina Seedance 2.0 video generation that speaks the BytePlus ModelArk API: same paths, fields, ' +
          'responses and errors, with one arkgate token (`oh-…`) per tenant. Send it where you would send BytePlus.',
        '',
        'Errors are `{"error": {"code", "message", "param", "type"}}`. The `code` values follow one of two dialects, ' +
          'chosen by the operator (ARKGATE_PROFILE): **phanedge** (the default) answers the codes BytePlus itself uses; ' +
          '**kapon** answers the same errors with the codes of the kapon platform. The examples show the phanedge codes.',
        '',
        '**Authorize** with a tenant token for the task, asset and `/v1` routes; with an admin token for `/admin`, and an ' +
          'auditor or admin token for `/audit` and `/metrics`. With the built-in sandbox (`npm start` without ARK_API_KEY), ' +
          'the demo tenant token and the demo admin token are printed at start-up, and a demo asset group, demo assets and a ' +
          'Filter-Off mapping exist, so every example below runs as is.',
      ].join('\n'),
    )
    .setVersion(packageVersion())
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'oh-…', description: 'An arkgate token: `oh-` followed by an opaque string (not a JWT).' },
      BEARER_SCHEME,
    )
    .build();
  SwaggerModule.setup(
    'docs',
    app,
    // Built on first request, once the server listens, so `servers` names the address it listens on.
    () => ({ ...SwaggerModule.createDocument(app, doc), servers: serversOf(app, config) }),
    { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } },
  );
}

/** The listening base URL when it is the loopback (as with the sandbox); otherwise relative, for a proxy in front. */
function serversOf(app: INestApplication, config: AppConfig): { url: string; description: string }[] {
  const address = (app.getHttpServer() as Server).address();
  if (address && typeof address === 'object' && /^(127\.|::1$)/.test(address.address)) {
    const host = address.address.includes(':') ? `[${address.address}]` : address.address;
    return [{ url: `http://${host}:${address.port}`, description: `this instance (upstream ${config.upstream})` }];
  }
  return [{ url: '/', description: 'this instance, as reached' }];
}
