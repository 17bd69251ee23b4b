/**
 * The demo credentials of a local run as a shell file (`source data/demo.env`), so the README's snippets run
 * verbatim: they read `BASE_URL`, `TOKEN`, `TENANT_ID` and `ADMIN` from it instead of copying them from the console.
 * Written on every start (the port may change), mode 0600 like `data/demo-credentials.json`.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DemoEnv {
  BASE_URL: string;
  TOKEN: string;
  TENANT_ID: string;
  ADMIN: string;
}

/** `export NAME='value'` lines; values are single-quoted so no character of them is read by the shell. */
export function renderDemoEnv(vars: DemoEnv): string {
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const lines = (Object.keys(vars) as (keyof DemoEnv)[]).map((k) => `export ${k}=${quote(vars[k])}`);
  return `# Written by npm start (sandbox demo); read it with: source data/demo.env\n${lines.join('\n')}\n`;
}

export async function writeDemoEnv(file: string, vars: DemoEnv): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderDemoEnv(vars), { mode: 0o600 });
  await chmod(file, 0o600);
}
