#!/usr/bin/env node
/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`): by self time, then the gateway's own frames (dist/, src/)
 * by inclusive time, each as a share of the profile.
 *
 *   node bench/top-frames.js PROFILE.cpuprofile [N]
 *
 * FRAMES_SKIP_MS=t leaves out the first t ms of the profile (the start-up before the load); FRAMES_MATCH=regex adds
 * the inclusive share of every frame whose label matches (e.g. `pino|passport|throttler`).
 */
'use strict';
const fs = require('fs');
const p = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = p.timeDeltas;
const samples = p.samples;
const skipUs = 1000 * Number(process.env.FRAMES_SKIP_MS || 0);
const counts = new Map();
let at = 0;
for (let i = 0; i < samples.length; i++) {
  at += dt[i] || 0;
  if (at < skipUs) continue;
  counts.set(samples[i], (counts.get(samples[i]) || 0) + (dt[i] || 0));
}
const total = [...counts.values()].reduce((a, b) => a + b, 0);
const label = (n) =>
  `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*node_modules\//, 'nm/').replace(/^file:\/\/\/work\/main\//, '')}:${n.callFrame.lineNumber + 1}`;
for (const [id, t] of counts) {
  const l = label(byId.get(id));
  self.set(l, (self.get(l) || 0) + t);
}
const parent = new Map();
for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const incl = new Map();
for (const [id, t] of counts) {
  const seen = new Set();
  let cur = id;
  while (cur !== undefined) {
    const l = label(byId.get(cur));
    if (!seen.has(l)) {
      incl.set(l, (incl.get(l) || 0) + t);
      seen.add(l);
    }
    cur = parent.get(cur);
  }
}
const pct = (t) => ((100 * t) / total).toFixed(1) + '%';
const idle = [...counts].filter(([id]) => byId.get(id).callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
console.log('total ms', (total / 1000).toFixed(0), 'busy ms', ((total - idle) / 1000).toFixed(0));
console.log('--- self');
[...self]
  .sort((a, b) => b[1] - a[1])
  .slice(0, +process.argv[3] || 25)
  .forEach(([l, t]) => console.log(pct(t), l));
console.log('--- inclusive (dist/ and libs only)');
[...incl]
  .filter(([l]) => /dist\/|src\//.test(l))
  .sort((a, b) => b[1] - a[1])
  .slice(0, 30)
  .forEach(([l, t]) => console.log(pct(t), l));
if (process.env.FRAMES_MATCH) {
  const re = new RegExp(process.env.FRAMES_MATCH);
  console.log(`--- inclusive, frames matching /${process.env.FRAMES_MATCH}/`);
  [...incl]
    .filter(([l]) => re.test(l))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 40)
    .forEach(([l, t]) => console.log(pct(t), l));
}
