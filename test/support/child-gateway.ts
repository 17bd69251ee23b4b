/**
 * The gateway as a separate process (`src/main`, as `npm start` runs it), for tests that need real signals:
 * SIGTERM drains, `kill -9` crashes, a restart on the same database. It talks to a sandbox the test started, as if
 * that sandbox were BytePlus.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { extname, join } from 'node:path';
import type { SandboxHandle } from '@arkgate/sandbox';
import type { DatabaseConfig } from '../../src/config/app-config';
import { freePort } from '../../scripts/sandbox-mode-gateway';
import { ADMIN_TOKEN } from './test-gateway';

export { freePort };

const ROOT = join(__dirname, '..', '..');
/**
 * Compiled (the bench runs from dist-bench/, where this file is .js), the child runs the compiled `src/main.js` there,
 * as `npm start` runs dist/src/main.js; from the TypeScript sources (tests), `src/main.ts` under ts-node.
 */
const COMPILED = extname(__filename) === '.js';
const MAIN_ARGS = COMPILED
  ? [join(ROOT, 'src', 'main.js')]
  : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, 'src', 'main.ts')];
/** The repository's root, the process's working directory either way. */
const WORKING_DIR = COMPILED ? join(ROOT, '..') : ROOT;

export interface ChildGateway {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process printed (stdout and stderr), for assertions and failure messages. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

/** DATABASE_URL for a test database (a PostgreSQL schema travels as `?schema=`). */
export function databaseUrlOf(config: DatabaseConfig): string {
  if (config.type === 'sqlite') return `sqlite:${config.path}`;
  const url = new URL(config.url);
  if (config.schema) url.searchParams.set('schema', config.schema);
  return url.toString();
}

/**
 * Starts the gateway's `src/main` in a child process against `sandbox` and `database`, and waits until `/healthz` answers.
 * `env` adds or overrides variables. Fails with the process output when it does not come up in `timeoutMs`.
 */
export async function startChildGateway(opts: {
  sandbox: SandboxHandle;
  database: DatabaseConfig;
  env?: Record<string, string>;
  port?: number;
  timeoutMs?: number;
  /** false: return at once, without waiting for `/healthz` (for starts that are expected to fail). */
  waitUntilUp?: boolean;
}): Promise<ChildGateway> {
  const port = opts.port ?? (await freePort());
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: String(port),
    DATABASE_URL: databaseUrlOf(opts.database),
    ARKGATE_UPSTREAM: 'byteplus',
    ARK_API_KEY: opts.sandbox.apiKey,
    ARK_BASE_URL: opts.sandbox.dataPlaneUrl,
    ARK_OPENAPI_URL: opts.sandbox.openApiUrl,
    ARK_ACCESS_KEY_ID: opts.sandbox.accessKeyId,
    ARK_SECRET_ACCESS_KEY: opts.sandbox.secretAccessKey,
    ARKGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    ARKGATE_DEMO: 'false',
    ARK_TIMEOUT_MS: '1500',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...opts.env,
  };
  const child = spawn(process.execPath, MAIN_ARGS, {
    cwd: WORKING_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let done = false;
  void exited.then(() => (done = true));

  const url = `http://127.0.0.1:${port}`;
  if (opts.waitUntilUp === false) {
    return { url, port, process: child, output: () => output, exited, kill: (signal = 'SIGTERM') => child.kill(signal) };
  }
  const until = Date.now() + (opts.timeoutMs ?? 30000);
  for (;;) {
    if (done) throw new Error(`gateway process exited before it was up:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`gateway process did not come up in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, process: child, output: () => output, exited, kill: (signal = 'SIGTERM') => child.kill(signal) };
}
