/**
 * Runs README.md's shell snippets in order against a gateway started as `npm start` starts it (sandbox mode, no
 * credentials), on a free port, in a temporary directory (its own `data/`, SQLite file database unless
 * DATABASE_URL is set). The snippets read BASE_URL, TOKEN, TENANT_ID and ADMIN from the `data/demo.env` that
 * start writes. Which snippets run and how: scripts/readme-snippets.ts.
 *
 *   npx ts-node --transpile-only scripts/run-readme-snippets.ts [README.md]
 *
 * Exits 0 when every snippet succeeded, else 1 naming the failed snippet and printing its output.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractSnippets, runSnippets, SnippetRun } from './readme-snippets';

const ROOT = join(__dirname, '..');

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export async function runReadme(readmePath: string, opts: { databaseUrl?: string; timeoutMs?: number } = {}): Promise<SnippetRun & { gatewayOutput: string }> {
  const snippets = extractSnippets(readFileSync(readmePath, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'arkgate-readme-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    PORT: String(port),
    DATABASE_URL: opts.databaseUrl ?? `sqlite:${join(dir, 'arkgate.sqlite')}`,
    TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
    ARKGATE_CONSOLE_DIR: join(ROOT, 'dist', 'console'),
    LOG_LEVEL: 'warn',
  };
  const gateway = spawn(
    process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), '-r', require.resolve('tsconfig-paths/register'), join(ROOT, 'src', 'main.ts')],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let gatewayOutput = '';
  gateway.stdout.on('data', (d: Buffer) => (gatewayOutput += d.toString()));
  gateway.stderr.on('data', (d: Buffer) => (gatewayOutput += d.toString()));
  let exited = false;
  gateway.on('exit', () => (exited = true));
  try {
    // data/demo.env is written once the gateway is listening and the demo tenant, admin and assets exist.
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(dir, 'data', 'demo.env'))) {
      if (exited || Date.now() > deadline) throw new Error(`the gateway did not start:\n${gatewayOutput}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const run = await runSnippets(snippets, { cwd: dir, env: { PATH: env.PATH, HOME: env.HOME }, timeoutMs: opts.timeoutMs ?? 90_000 });
    return { ...run, gatewayOutput };
  } finally {
    if (!exited) {
      gateway.kill('SIGTERM');
      await new Promise((r) => gateway.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const readme = resolve(process.argv[2] ?? join(ROOT, 'README.md'));
  runReadme(readme, { databaseUrl: process.env.DATABASE_URL })
    .then((run) => {
      if (run.ok) {
        process.stdout.write(`${run.output}\nAll ${extractSnippets(readFileSync(readme, 'utf8')).length} README snippets succeeded.\n`);
        return;
      }
      process.stderr.write(`README snippet ${run.failed?.index} (line ${run.failed?.line}) failed (exit ${run.exitCode}):\n${run.failed?.code}\n--- its output ---\n${run.failedOutput}\n`);
      process.exit(1);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    });
}
