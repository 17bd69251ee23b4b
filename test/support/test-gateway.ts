import type { INestApplication } from '@nestjs/common';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '@arkgate/sandbox';
import { createApp } from '../../src/app.factory';
import { type AppConfig, loadConfig, type Profile } from '../../src/config/app-config';
import { createTestDatabase, type TestDatabase } from './test-database';

export const ADMIN_TOKEN = 'oh-test-admin-token-0123456789abcdef';

export interface GatewayOptions {
  profile?: Profile;
  sandbox?: SandboxOptions;
  env?: Record<string, string>;
  /** Run against an existing database and sandbox (another instance's); close() then leaves them be. */
  shared?: { db: TestDatabase; sandbox: SandboxHandle };
  /** SQLite: a database file (which other connections can open) rather than one in memory; no effect on PostgreSQL. */
  sqliteFile?: boolean;
  /** Turn the background sync on (off by default in tests). */
  sync?: boolean;
  /** Capture the request log (otherwise silent in tests). */
  logStream?: { write(line: string): void };
}

/** The real gateway on a real port, in front of the sandbox on another real port. */
export interface TestGateway {
  url: string;
  app: INestApplication;
  sandbox: SandboxHandle;
  config: AppConfig;
  db: TestDatabase;
  /** HTTP call with JSON in and out; `token` becomes a bearer header. */
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  admin(method: string, path: string, body?: unknown): Promise<CallResult>;
  newTenant(input?: Record<string, unknown>): Promise<{ id: string; token: string; tenant: Record<string, any> }>;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  body: any;
  headers: Headers;
}

export async function startGateway(opts: GatewayOptions = {}): Promise<TestGateway> {
  const sandbox =
    opts.shared?.sandbox ??
    (await startSandbox({
      queuedMs: 150,
      runningMs: 300,
      assetProcessingMs: 300,
      assetInvisibleMs: 150,
      unreachableHosts: ['gone.example.com'],
      ...opts.sandbox,
    }));
  const db = opts.shared?.db ?? (await createTestDatabase({ shareable: opts.sqliteFile }));
  const base = loadConfig({
    ARKGATE_PROFILE: opts.profile ?? 'phanedge',
    ARKGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    ARKGATE_UPSTREAM: 'sandbox',
    ARK_API_KEY: sandbox.apiKey,
    ARK_BASE_URL: sandbox.dataPlaneUrl,
    ARK_OPENAPI_URL: sandbox.openApiUrl,
    ARK_ACCESS_KEY_ID: sandbox.accessKeyId,
    ARK_SECRET_ACCESS_KEY: sandbox.secretAccessKey,
    ARK_TIMEOUT_MS: '1500',
    ARKGATE_DNS_OVERRIDES:
      'example.com=93.184.215.14,cb.example.org=2606:4700::6810:84e5,internal.example.com=10.1.2.3,media.example.com=93.184.215.20,gone.example.com=93.184.215.21',
    REDIS_URL: process.env.REDIS_URL ?? '',
    // The background sync is off unless a suite turns it on: suites that count upstream calls must not race it.
    ARKGATE_SYNC_ENABLED: 'false',
    ARKGATE_SYNC_BACKOFF_MS: '50,100,200',
    ARKGATE_SYNC_INTERVAL_MS: '25',
    ARKGATE_SYNC_RPS: '500',
    // A create with an unknown upstream outcome looks for its task this long before answering 502 (docs/contract.md §9).
    ARKGATE_RECONCILE_INLINE_MS: '1000',
    ...(opts.sync ? { ARKGATE_SYNC_ENABLED: 'true' } : {}),
    ...opts.env,
  });
  const config: AppConfig = { ...base, database: db.config };
  const app = await createApp(config, { logger: false, logStream: opts.logStream });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;

  const call = async (method: string, path: string, o: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const admin = (method: string, path: string, body?: unknown) => call(method, path, { token: ADMIN_TOKEN, body });

  let n = 0;
  const newTenant = async (input: Record<string, unknown> = {}) => {
    n += 1;
    const created = await admin('POST', '/admin/tenants', { name: `tenant-${n}-${Date.now()}`, ...input });
    if (created.status !== 201) throw new Error(`tenant create failed: ${created.status} ${JSON.stringify(created.body)}`);
    const issued = await admin('POST', `/admin/tenants/${created.body.id}/tokens`, { name: 'test' });
    if (issued.status !== 201) throw new Error(`token issue failed: ${issued.status} ${JSON.stringify(issued.body)}`);
    return { id: created.body.id as string, token: issued.body.token as string, tenant: created.body };
  };

  return {
    url,
    app,
    sandbox,
    config,
    db,
    call,
    admin,
    newTenant,
    close: async () => {
      await app.close();
      if (opts.shared) return;
      await sandbox.close();
      await db.drop();
    },
  };
}

export { eventually } from './eventually';

export const TASKS = '/volcark/api/v3/contents/generations/tasks';

/**
 * Creates `n` tasks for `token`, ten at a time, each answered 200, and returns their ids. The caller holds them upstream
 * first (`sandbox.control.holdAll('queued')`) when they must not finish on their own.
 */
export async function createTasks(gw: TestGateway, token: string, body: unknown, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => gw.call('POST', TASKS, { token, body })));
    for (const r of batch) {
      if (r.status !== 200) throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body)}`);
      ids.push(r.body.id as string);
    }
  }
  return ids;
}
