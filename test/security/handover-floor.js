// Prints the longest event-loop stall (ms) this machine takes to receive a string of argv[2] MB from a worker thread:
// the hand-over every JSON body parsed off the event loop goes through (src/common/http/json-parser.ts), whatever the
// gateway does. Mostly page faults on the fresh memory of the string; it differs widely between machines.
'use strict';
const { Worker } = require('node:worker_threads');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const mb = Number(process.argv[2] || 60);
const worker = new Worker(
  `const { parentPort } = require('node:worker_threads');
   parentPort.on('message', (n) => parentPort.postMessage({ s: 'data:image/png;base64,' + 'A'.repeat(n * 1024 * 1024) }));`,
  { eval: true },
);
let worst = 0;
let round = 0;
function next() {
  if (round++ === 3) {
    process.stdout.write(`${worst.toFixed(1)}\n`);
    void worker.terminate();
    return;
  }
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  worker.once('message', (m) => {
    if (typeof m.s !== 'string') throw new Error('no string');
    setTimeout(() => {
      h.disable();
      worst = Math.max(worst, h.max / 1e6);
      next();
    }, 50);
  });
  worker.postMessage(mb);
}
next();
