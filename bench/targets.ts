/**
 * The servers under load, each on 127.0.0.1 and a free port: the baselines, the BytePlus sandbox
 * and the real gateway in front of it.
 */
import { Body, Controller, Get, HttpCode, Injectable, Module, Post, UseGuards, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { Strategy as HttpBearerStrategy } from 'passport-http-bearer';
import { ArkDataClient } from '@arkgate/byteplus';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '@arkgate/sandbox';
import passport from 'passport';
import { createApp } from '../src/app.factory';
import { loadConfig, type DatabaseConfig } from '../src/config/app-config';
import { BearerStrategy } from '../src/tenancy/auth/bearer.strategy';
import { FixedWindowThrottlerStorage } from '../src/tenancy/auth/fixed-window-throttler.storage';
import { tenantIdFromTrustedRow, type TenantId } from '../src/common/tenant-identity/tenant-id';

export const HOST = '127.0.0.1';
export const TASKS_PATH = '/volcark/api/v3/contents/generations/tasks';
export const ADMIN_TOKEN = 'oh-bench-admin-token-0123456789abcdef';

export interface Target {
  url: string;
  close(): Promise<void>;
}

/** Baseline A: plain node:http answering every request with the given bytes from memory. */
export async function startRawBaseline(body: Buffer): Promise<Target> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Baseline B: a bare Nest app (Express adapter) with one GET route on the gateway's task path,
 * returning the given object (serialised per request, as the gateway's own routes are).
 */
export async function startNestBaseline(body: unknown): Promise<Target> {
  @Controller(TASKS_PATH.slice(1))
  class BareTaskController {
    @Get(':task_id')
    get(): unknown {
      return body;
    }
  }

  @Module({ controllers: [BareTaskController] })
  class BareModule {}

  const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: false });
  return listenNest(app);
}

/**
 * Baseline E (S1): baseline B with the two framework pieces every gateway request goes through on this stack — a
 * passport bearer strategy behind @nestjs/passport's AuthGuard (one constant token, no lookup) and @nestjs/throttler's
 * guard, counting in the gateway's own in-process fixed-window storage (the stock storage keeps one entry per hit and
 * filters them all on every request, which would make this baseline slower than it need be), with a limit never
 * reached. No database, no logging, no metrics: what the stack itself costs a GET, so its ratio to B is the most any
 * gateway built on it can reach in S1 on the machine.
 */
export async function startNestStackBaseline(body: unknown, token: string): Promise<Target> {
  // Its own strategy name: passport is one per process, and the gateways of the run register `bearer` there.
  @Injectable()
  class ConstantBearer extends PassportStrategy(HttpBearerStrategy, 'bench-constant-bearer') {
    validate(presented: string): unknown {
      return presented === token ? { tokenId: 'bench' } : false;
    }
  }

  @Controller(TASKS_PATH.slice(1))
  @UseGuards(AuthGuard('bench-constant-bearer'))
  class GuardedTaskController {
    @Get(':task_id')
    get(): unknown {
      return body;
    }
  }

  @Module({
    imports: [ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: 1_000_000_000 }], storage: new FixedWindowThrottlerStorage() })],
    controllers: [GuardedTaskController],
    providers: [ConstantBearer, { provide: APP_GUARD, useClass: ThrottlerGuard }],
  })
  class GuardedModule {}

  const app = await NestFactory.create<NestExpressApplication>(GuardedModule, { logger: false });
  return listenNest(app);
}

/**
 * Baseline D: the least any gateway built on this stack does per create — a bare Nest app (Express adapter) with one
 * POST route on the gateway's task path that forwards the parsed body to an upstream with the gateway's own client
 * (`ArkDataClient`, the same keep-alive pool) and answers upstream's `{id}`. No token, no validation, no record, no
 * audit. Against baseline C (that upstream called directly) it measures what a Nest pass-through alone costs.
 */
export async function startNestPassThrough(upstream: { dataPlaneUrl: string; apiKey: string }): Promise<Target> {
  const ark = new ArkDataClient({ baseUrl: upstream.dataPlaneUrl, apiKey: upstream.apiKey, timeoutMs: 30_000 });

  @Controller(TASKS_PATH.slice(1))
  class PassThroughController {
    @Post()
    @HttpCode(200)
    create(@Body() body: Record<string, unknown>): Promise<unknown> {
      return ark.createTask(body);
    }
  }

  @Module({ controllers: [PassThroughController] })
  class PassThroughModule {}

  const app = await NestFactory.create<NestExpressApplication>(PassThroughModule, { logger: false });
  return listenNest(app);
}

/** The BytePlus sandbox, by default with a clock that finishes every task at once. */
export function startBenchSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  return startSandbox({ host: HOST, port: 0, queuedMs: 0, runningMs: 0, recordLimit: 100, ...opts });
}

export interface GatewayTarget extends Target {
  app: INestApplication;
  /** Creates a tenant (rate limit 1,000,000/min, any media) and issues it a token. */
  newTenant(name: string): Promise<{ id: TenantId; token: string }>;
}

/**
 * Gateways open in this process, oldest first. passport is one per process, and each gateway registers its
 * `bearer` strategy there as it starts, replacing the one before: the newest gateway authenticates the
 * requests of all of them (against its own database). So only the newest open gateway is used at a time,
 * and closing it hands authentication back to the one started before it.
 */
const openGateways: INestApplication[] = [];

/**
 * The real gateway (on `database`: a SQLite file or a PostgreSQL schema) in front of the sandbox. `env` adds or overrides variables, e.g.
 * the background sync's (`ARKGATE_SYNC_*`).
 */
export async function startGateway(sandbox: SandboxHandle, database: DatabaseConfig, env: Record<string, string> = {}): Promise<GatewayTarget> {
  // The control-plane (OpenAPI) side of the sandbox, where the sandbox offers one.
  const openApi = sandbox as SandboxHandle & Partial<Record<'openApiUrl' | 'accessKeyId' | 'secretAccessKey', string>>;
  const base = loadConfig({
    ARKGATE_PROFILE: 'phanedge',
    ARKGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    ARKGATE_UPSTREAM: 'sandbox',
    ARK_API_KEY: sandbox.apiKey,
    ARK_BASE_URL: sandbox.dataPlaneUrl,
    ARK_OPENAPI_URL: openApi.openApiUrl,
    ARK_ACCESS_KEY_ID: openApi.accessKeyId,
    ARK_SECRET_ACCESS_KEY: openApi.secretAccessKey,
    ARKGATE_DEMO: 'false',
    ...env,
  });
  const config = { ...base, database };
  // BENCH_GATEWAY_LOGS=1 keeps the gateway's warnings and errors (e.g. why it would not start).
  const app = await createApp(config, process.env.BENCH_GATEWAY_LOGS ? {} : { logger: false });
  openGateways.push(app);
  const target = await listenNest(app);

  const admin = async (path: string, body: unknown): Promise<Record<string, any>> => {
    const res = await fetch(target.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as Record<string, any>;
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(answer)}`);
    return answer;
  };

  return {
    ...target,
    app,
    close: async () => {
      try {
        await target.close();
      } finally {
        openGateways.splice(openGateways.indexOf(app), 1);
        const previous = openGateways[openGateways.length - 1];
        if (previous) passport.use('bearer', previous.get(BearerStrategy, { strict: false }));
      }
    },
    newTenant: async (name) => {
      const tenant = await admin('/admin/tenants', { name, rate_limit_per_minute: 1_000_000, media_policy: 'any' });
      const issued = await admin(`/admin/tenants/${tenant.id}/tokens`, { name: 'bench' });
      // The id the admin API just answered for the tenant it made.
      return { id: tenantIdFromTrustedRow(tenant.id as string), token: issued.token as string };
    },
  };
}

async function listenNest(app: INestApplication): Promise<Target> {
  await app.listen(0, HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://${HOST}:${port}`, close: () => app.close() };
}
