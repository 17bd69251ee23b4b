import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');

/**
 * Builds the web console from its sources into a fresh temporary folder (Vite, about a second), so the
 * browser tests always exercise the current code, on a fresh clone too (no `npm run build` needed).
 * The gateway under test is pointed at it with ARKGATE_CONSOLE_DIR.
 */
export async function buildConsole(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'arkgate-console-'));
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'console', 'vite.config.mts')],
    {
      cwd: ROOT,
      env: { ...process.env, CONSOLE_OUT_DIR: outDir, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    },
  );
  return outDir;
}

/** The system Chromium (Debian's `chromium` package); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the browser tests leave their screenshots for review (git-ignored). */
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'console');
