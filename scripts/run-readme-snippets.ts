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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractSnippets, runSnippets, type SnippetRun } from './readme-snippets';
import { startSandboxModeGateway } from './sandbox-mode-gateway';

const ROOT = join(__dirname, '..');

export async function runReadme(readmePath: string, opts: { databaseUrl?: string; timeoutMs?: number } = {}): Promise<SnippetRun & { gatewayOutput: string }> {
  const snippets = extractSnippets(readFileSync(readmePath, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'arkgate-readme-'));
  try {
    const gateway = await startSandboxModeGateway(dir, { databaseUrl: opts.databaseUrl });
    try {
      const run = await runSnippets(snippets, {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir },
        timeoutMs: opts.timeoutMs ?? 90_000,
      });
      return { ...run, gatewayOutput: gateway.output() };
    } finally {
      await gateway.stop();
    }
  } finally {
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
      process.stderr.write(
        `README snippet ${run.failed?.index} (line ${run.failed?.line}) failed (exit ${run.exitCode}):\n${run.failed?.code}\n--- its output ---\n${run.failedOutput}\n`,
      );
      process.exit(1);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    });
}
