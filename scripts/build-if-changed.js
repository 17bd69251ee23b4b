#!/usr/bin/env node
/**
 * `npm start`'s build step: runs `npm run build` only when a file the build reads changed since the last build
 * (compared by path, size and modification time, recorded in dist/.build-inputs), so a second start is quick.
 * `--force` builds anyway. `--bench` does the same for `npm run bench`'s build of the sources and the bench into
 * dist-bench/ (`nest build --config bench/nest-cli.json`), recorded in dist-bench/.build-inputs.
 */
'use strict';
const { execSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const BENCH = process.argv.includes('--bench');
const OUT = join(ROOT, BENCH ? 'dist-bench' : 'dist');
const STAMP = join(OUT, '.build-inputs');
const ENTRY = join(OUT, BENCH ? 'bench/run.js' : 'src/main.js');
const BUILD = BENCH ? 'npx nest build --config bench/nest-cli.json' : 'npm run build';
const INPUTS = BENCH
  ? ['src', 'libs', 'bench', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.bench.json']
  : ['src', 'libs', 'console', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
const SKIP = new Set(['node_modules', 'dist', 'dist-bench', '.git']);
// What the bench writes as it runs (its reports) and its notes: not inputs of its build.
const SKIP_PATHS = new Set(['bench/results', 'bench/profiles']);

function walk(path, out) {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (stat.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      const child = join(path, name);
      if (!SKIP.has(name) && !SKIP_PATHS.has(relative(ROOT, child))) walk(child, out);
    }
    return;
  }
  out.push(`${relative(ROOT, path)}\t${stat.size}\t${Math.floor(stat.mtimeMs)}`);
}

function fingerprint() {
  const lines = [];
  for (const input of INPUTS) walk(join(ROOT, input), lines);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

const wanted = fingerprint();
const built = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
if (!process.argv.includes('--force') && built === wanted && existsSync(ENTRY)) {
  process.stdout.write(`build is up to date (${relative(ROOT, OUT)}/); \`${BUILD}\` rebuilds\n`);
  process.exit(0);
}
execSync(BUILD, { cwd: ROOT, stdio: 'inherit' });
writeFileSync(STAMP, `${wanted}\n`);
