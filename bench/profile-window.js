#!/usr/bin/env node
/**
 * The shares of a V8 CPU profile (`node --cpu-prof`) within a time window, by category (gateway, sandbox, TypeORM,
 * SQLite driver, HTTP, GC, idle, …) and by top frames (self and inclusive). The window is where frames matching
 * `marker` (a regular expression over "function url") were sampled, from the first such sample until a gap of more
 * than 3 s without one: for S5, `syncOne` gives the main run's working span (the budget run comes after a pause).
 *
 *   node bench/profile-window.js PROFILE.cpuprofile [marker] [N]
 */
'use strict';
const fs = require('fs');
const p = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const marker = new RegExp(process.argv[3] || 'syncOne');
const top = +process.argv[4] || 25;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const url = (n) => n.callFrame.url.replace(/^.*node_modules\//, 'nm/').replace(/^file:\/\/\/work\/[^/]+\/[^/]+\//, '');
const label = (n) => `${n.callFrame.functionName || '(anon)'} ${url(n)}:${n.callFrame.lineNumber + 1}`;
const stackOf = (id) => {
  const out = [];
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) out.push(byId.get(cur));
  return out;
};
// Sample times.
const times = [];
let t = p.startTime;
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i] || 0;
  times.push(t);
}
const marks = new Map();
const isMarked = (id) => {
  if (!marks.has(id))
    marks.set(
      id,
      stackOf(id).some((n) => marker.test(`${n.callFrame.functionName} ${n.callFrame.url}`)),
    );
  return marks.get(id);
};
// The first span of marked samples: it ends at a gap of more than 3 s without one (S5's budget run comes later).
let from = Infinity;
let to = -Infinity;
for (let i = 0; i < p.samples.length; i++) {
  if (!isMarked(p.samples[i])) continue;
  if (to !== -Infinity && times[i] - to > 3e6) break;
  from = Math.min(from, times[i]);
  to = times[i];
}
if (from === Infinity) throw new Error(`no sample matches ${marker}`);
/**
 * The category of a sample: the first own frame from the leaf up decides whose work it is (the sandbox's, the bench
 * harness's, the gateway's), the first library frame below it what kind (an `await` cuts the stack, so a query
 * resumed after one is counted by its library alone).
 */
function category(id) {
  const leaf = byId.get(id).callFrame.functionName;
  if (leaf === '(idle)') return 'idle';
  if (leaf === '(garbage collector)') return 'GC';
  if (leaf === '(program)') return 'program';
  let lib = null;
  for (const n of stackOf(id)) {
    const u = url(n);
    if (/^libs\/sandbox\//.test(u)) return 'sandbox (upstream fake)';
    if (/^bench\//.test(u)) return lib ? `bench harness: ${lib}` : 'bench harness';
    if (/^(src|libs\/byteplus)\//.test(u)) return `gateway: ${lib ?? (/^libs/.test(u) ? 'upstream client (libs/byteplus)' : 'own code (src/)')}`;
    if (lib) continue;
    if (/nm\/better-sqlite3|driver\/better-sqlite3/.test(u)) lib = 'SQLite driver';
    else if (/nm\/pg\/|nm\/pg-|driver\/postgres/.test(u)) lib = 'PostgreSQL driver';
    else if (/nm\/typeorm\//.test(u)) lib = 'TypeORM';
    else if (/nm\/ioredis/.test(u)) lib = 'Redis client';
    else if (/undici/.test(u)) lib = 'HTTP client (undici)';
  }
  return lib ? `gateway: ${lib} (stack cut by await)` : 'other (node internals: http, timers, streams)';
}
const cats = new Map();
const self = new Map();
const incl = new Map();
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  if (times[i] < from || times[i] > to) continue;
  const dt = p.timeDeltas[i + 1] || 0;
  total += dt;
  const id = p.samples[i];
  const c = category(id);
  cats.set(c, (cats.get(c) || 0) + dt);
  const l = label(byId.get(id));
  self.set(l, (self.get(l) || 0) + dt);
  const seen = new Set();
  for (const n of stackOf(id)) {
    const k = label(n);
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) || 0) + dt);
  }
}
const pct = (x) => ((100 * x) / total).toFixed(1).padStart(5) + '%';
console.log(`window ${((to - from) / 1e6).toFixed(1)} s (samples of /${marker.source}/ from first to last), ${(total / 1000).toFixed(0)} ms sampled`);
console.log('--- by category');
[...cats].sort((a, b) => b[1] - a[1]).forEach(([l, x]) => console.log(pct(x), l));
console.log('--- self');
[...self]
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)
  .forEach(([l, x]) => console.log(pct(x), l));
console.log('--- inclusive (src/, libs/, bench/)');
[...incl]
  .filter(([l]) => / (src|libs|bench)\//.test(l))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)
  .forEach(([l, x]) => console.log(pct(x), l));
