#!/usr/bin/env node
/**
 * What one active AsyncLocalStorage costs every promise of a Node 20 process: 100,000 × 20 awaits, without it, then
 * inside `run` contexts, then without again (once used, the async hooks stay on for the whole process).
 *
 *   node bench/async-context-cost.js
 */
'use strict';
const { AsyncLocalStorage } = require('node:async_hooks');

async function work() {
  let s = 0;
  for (let i = 0; i < 20; i++) s += await Promise.resolve(i);
  return s;
}

async function time(label, wrap) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < 100_000; i++) await wrap(work);
  console.log(`${label}: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`);
}

(async () => {
  await time('no AsyncLocalStorage', (f) => f());
  await time('no AsyncLocalStorage', (f) => f());
  const als = new AsyncLocalStorage();
  await time('inside AsyncLocalStorage.run', (f) => als.run({}, f));
  await time('inside AsyncLocalStorage.run', (f) => als.run({}, f));
  await time('no run context, after one was used', (f) => f());
})();
