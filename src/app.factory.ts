import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { Express, Response } from 'express';
import type { DestinationStream } from 'pino';
import { InFlightRequests } from './common/lifecycle/in-flight-requests';
import { AppLogger } from './observability/app-logger';
import { httpMetrics } from './observability/http-metrics';
import { MetricsService } from './observability/metrics.service';
import type { AppConfig } from './config/app-config';
import { BEARER_SCHEME } from './tenancy/auth/api-auth.decorators';
import { TenancyService } from './tenancy/tenancy.service';

/**
 * Builds the gateway (migrations applied, Swagger mounted) without listening. The bootstrap admin token is synced
 * here unless `syncAdmin` is false: `main.ts` syncs it only once the port is bound, so a failed start writes nothing,
 * and then calls `InFlightRequests.open()` (until then requests wait).
 * Signals are handled by `installGracefulShutdown` (main.ts), not by Nest's shutdown hooks.
 */
export async function createApp(
  config: AppConfig,
  opts: { logger?: false; syncAdmin?: boolean; logStream?: DestinationStream } = {},
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
  // The root sends a browser to the API docs.
  (app.getHttpAdapter().getInstance() as Express).get('/', (_req: unknown, res: Response) => res.redirect(302, '/docs'));
  // No body parser: BodyGateMiddleware reads bodies, only after authentication (DESIGN §10).
  app.set('trust proxy', 'loopback');
  mountSwagger(app);
  if (opts.syncAdmin !== false) {
    await app.get(TenancyService).syncBootstrapAdmin(config.adminToken);
    app.get(InFlightRequests).open();
  }
  return app;
}

function mountSwagger(app: INestApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('arkgate')
    .setDescription(
      'BytePlus-native gateway for Dreamina Seedance 2.0 video generation. Same paths, fields, responses and ' +
        'errors as BytePlus ModelArk, with one arkgate token per tenant. Errors: `{"error": {"code", "message", "param", "type"}}`.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'arkgate token: oh-…' }, BEARER_SCHEME)
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
}
