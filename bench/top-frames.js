#!/usr/bin/env node
/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`): by self time, then the gateway's own frames (dist/, src/)
 * by inclusive time, each as a share of the profile.
 *
 *   node bench/top-frames.js PROFILE.cpuprofile [N]
 */
'use strict';
const fs = require('fs');
const p = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = p.timeDeltas;
const samples = p.samples;
const counts = new Map();
for (let i = 0; i < samples.length; i++) counts.set(samples[i], (counts.get(samples[i]) || 0) + (dt[i] || 0));
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
console.log('total ms', (total / 1000).toFixed(0));
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
