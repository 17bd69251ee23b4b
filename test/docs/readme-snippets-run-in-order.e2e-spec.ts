/**
 * README.md's shell snippets run verbatim, in order, in one shell, against a gateway started as `npm start` starts
 * it (scripts/run-readme-snippets.ts). The runner itself must be able to fail: a sample with a failing snippet, an
 * HTTP error answer and a marked illustration show what it reports and what it skips.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractSnippets, runSnippets } from '../../scripts/readme-snippets';
import { runReadme } from '../../scripts/run-readme-snippets';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { databaseUrlOf } from '../support/child-gateway';

const README = join(__dirname, '..', '..', 'README.md');

const SAMPLE = [
  '# sample',
  '```sh',
  'X=1',
  '```',
  '```sh no-run',
  'exit 7',
  '```',
  '<!-- no-run -->',
  '```bash',
  'exit 8',
  '```',
  '```',
  'output sample, never run',
  '```',
  '```js',
  'process.exit(9)',
  '```',
  '```bash',
  'echo "x is $X"; false; echo never',
  '```',
  '```sh',
  'echo unreachable',
  '```',
].join('\n');

describe('README snippets', () => {
  it('extracts only the runnable sh/bash fences, in order, skipping no-run ones and other languages', () => {
    const snippets = extractSnippets(SAMPLE);
    expect(snippets.map((s) => s.code)).toEqual(['X=1', 'echo "x is $X"; false; echo never', 'echo unreachable']);
    expect(snippets.map((s) => s.line)).toEqual([2, 18, 21]);
  });

  it('reports the first failing snippet with its output, keeping variables across snippets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arkgate-snippets-'));
    try {
      const run = await runSnippets(extractSnippets(SAMPLE), { cwd: dir, env: { PATH: process.env.PATH }, timeoutMs: 10_000 });
      expect(run.ok).toBe(false);
      expect(run.failed?.index).toBe(2);
      expect(run.failedOutput).toContain('x is 1');
      expect(run.output).not.toContain('never');
      expect(run.output).not.toContain('unreachable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails a snippet whose curl gets an HTTP error, showing the error body', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"invalid_request"}}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const run = await runSnippets([{ index: 1, line: 1, code: `curl -s http://127.0.0.1:${port}/` }], {
        cwd: tmpdir(),
        env: { PATH: process.env.PATH },
        timeoutMs: 10_000,
      });
      expect(run.ok).toBe(false);
      expect(run.failedOutput).toContain('invalid_request');
    } finally {
      server.close();
    }
  });

  describe('the README itself', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase({ shareable: true });
    });
    afterAll(async () => db?.drop());

    it('runs every snippet of README.md in order against a sandbox-mode gateway, all succeeding', async () => {
      const run = await runReadme(README, { databaseUrl: databaseUrlOf(db.config), timeoutMs: 90_000 });
      if (!run.ok) {
        throw new Error(
          `README snippet ${run.failed?.index} (line ${run.failed?.line}) failed:\n${run.failed?.code}\n--- output ---\n${run.failedOutput}\n--- gateway ---\n${run.gatewayOutput}`,
        );
      }
      // Guards against an extractor that silently finds nothing: the README has its tenant, asset, admin and audit walks.
      expect(extractSnippets(readFileSync(README, 'utf8')).length).toBeGreaterThanOrEqual(8);
    }, 120_000);
  });
});
