/**
 * The README's shell snippets as a test: they are extracted in order and run in one `bash` session, so each
 * one may use the variables the ones before it assigned, exactly as a reader pasting them into one terminal.
 *
 * Which snippets run: every fence whose info string is `sh`, `bash` or `shell`, unless the info string also says
 * `no-run` (```sh no-run) or the line before the fence is `<!-- no-run -->`. Fences without a language (output
 * samples), `js` and the like are never run. Illustrative snippets (installing, `npm start` itself, real BytePlus
 * credentials) are marked `no-run` in the README.
 *
 * How they run: `set -eo pipefail`, so the first failing command ends the run and names its snippet; `curl` is
 * run with `--fail-with-body`, so an HTTP error answer (4xx/5xx) fails too and its body is shown.
 */
import { spawn } from 'node:child_process';

export interface Snippet {
  /** 1-based position among the runnable snippets. */
  index: number;
  /** 1-based line of the opening fence in the README. */
  line: number;
  code: string;
}

const RUNNABLE = new Set(['sh', 'bash', 'shell']);

/** The runnable shell snippets of a Markdown text, in order. */
export function extractSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const info = open[2].trim().split(/\s+/).filter(Boolean);
    const end = lines.findIndex((l, j) => j > i && l.startsWith(fence) && l.trim() === fence);
    const close = end === -1 ? lines.length : end;
    const previous =
      lines
        .slice(0, i)
        .reverse()
        .find((l) => l.trim() !== '') ?? '';
    const skipped = info.includes('no-run') || /^<!--\s*no-run\s*-->$/.test(previous.trim());
    if (RUNNABLE.has(info[0] ?? '') && !skipped) out.push({ index: out.length + 1, line: i + 1, code: lines.slice(i + 1, close).join('\n') });
    i = close;
  }
  return out;
}

export interface SnippetRun {
  ok: boolean;
  /** The snippet that failed (undefined when all passed). */
  failed?: Snippet;
  exitCode: number | null;
  /** Everything the snippets printed (stdout and stderr interleaved). */
  output: string;
  /** What the failed snippet printed. */
  failedOutput?: string;
}

const marker = (kind: 'start' | 'ok', n: number) => `@@readme-snippet ${kind} ${n}@@`;

/** The one bash script that runs `snippets` in order. */
export function scriptOf(snippets: Snippet[]): string {
  const parts = [
    'set -eo pipefail',
    'curl() { command curl --fail-with-body "$@"; }',
    ...snippets.flatMap((s) => [`echo '${marker('start', s.index)}'`, s.code, `echo '${marker('ok', s.index)}'`]),
  ];
  return `${parts.join('\n')}\n`;
}

/** Runs the snippets in one bash in `cwd`; resolves with which one failed, if any. */
export async function runSnippets(snippets: Snippet[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<SnippetRun> {
  const child = spawn('bash', ['-c', scriptOf(snippets)], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => {
    output += `\n(timed out after ${opts.timeoutMs} ms)\n`;
    child.kill('SIGKILL');
  }, opts.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);
  const ok = exitCode === 0 && snippets.every((s) => output.includes(marker('ok', s.index)));
  if (ok) return { ok, exitCode, output };
  const started = snippets.filter((s) => output.includes(marker('start', s.index)));
  const failed = started.find((s) => !output.includes(marker('ok', s.index))) ?? snippets[0];
  const from = output.indexOf(marker('start', failed.index));
  return { ok, exitCode, output, failed, failedOutput: from === -1 ? output : output.slice(from + marker('start', failed.index).length) };
}
