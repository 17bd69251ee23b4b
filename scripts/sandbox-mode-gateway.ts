/**
 * The gateway started as `npm start` starts it — sandbox mode, no credentials — in a directory of the caller's
 * choosing (its own `data/`: SQLite file database unless DATABASE_URL is given, `demo.env`, the sandbox state
 * file), on a free port. Used by the README snippet runner and by tests of what survives a restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface SandboxModeGateway {
  port: number;
  /** The variables `npm start` wrote to `data/demo.env` (BASE_URL, TOKEN, TENANT_ID, ADMIN). */
  demo: Record<string, string>;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `src/main.ts` in `dir` and waits until `data/demo.env` exists (written once the gateway listens and the demo
 * tenant, admin and assets exist). A `demo.env` left by an earlier start in `dir` is removed first.
 */
export async function startSandboxModeGateway(
  dir: string,
  opts: { port?: number; databaseUrl?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<SandboxModeGateway> {
  const port = opts.port ?? (await freePort());
  const demoEnv = join(dir, 'data', 'demo.env');
  rmSync(demoEnv, { force: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    PORT: String(port),
    DATABASE_URL: opts.databaseUrl ?? `sqlite:${join(dir, 'data', 'arkgate.sqlite')}`,
    TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
    ARKGATE_CONSOLE_DIR: join(ROOT, 'dist', 'console'),
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), '-r', require.resolve('tsconfig-paths/register'), join(ROOT, 'src', 'main.ts')],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await exit;
  };
  const deadline = Date.now() + 60_000;
  let demo: Record<string, string> = {};
  while (!demo.ADMIN) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`the gateway did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
    if (existsSync(demoEnv)) demo = parseDemoEnv(readFileSync(demoEnv, 'utf8'));
  }
  return { port, demo, output: () => output, stop };
}

/** The `export NAME='value'` lines of `data/demo.env`. */
function parseDemoEnv(text: string): Record<string, string> {
  const pairs = text.split('\n').map((line) => /^export ([A-Z_]+)='(.*)'$/.exec(line));
  return Object.fromEntries(pairs.filter((m): m is RegExpExecArray => m !== null).map((m) => [m[1], m[2].replace(/'\\''/g, "'")]));
}
