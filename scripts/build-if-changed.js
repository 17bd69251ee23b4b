#!/usr/bin/env node
/**
 * `npm start`'s build step: runs `npm run build` only when a file the build reads changed since the last build
 * (compared by path, size and modification time, recorded in dist/.build-inputs), so a second start is quick.
 * `--force` builds anyway.
 */
'use strict';
const { execSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.build-inputs');
const INPUTS = ['src', 'libs', 'console', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
const SKIP = new Set(['node_modules', 'dist', '.git']);

function walk(path, out) {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (stat.isDirectory()) {
    for (const name of readdirSync(path).sort()) if (!SKIP.has(name)) walk(join(path, name), out);
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
if (!process.argv.includes('--force') && built === wanted && existsSync(join(ROOT, 'dist', 'src', 'main.js'))) {
  process.stdout.write('build is up to date (dist/); `npm run build` rebuilds\n');
  process.exit(0);
}
execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
writeFileSync(STAMP, `${wanted}\n`);
