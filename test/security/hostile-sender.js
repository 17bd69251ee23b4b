// Child process of event-loop-stall.e2e-spec.ts: builds the hostile bodies, waits for "go", sends them
// one after the other at full speed, three rounds, and reports each answer's status. Plain JavaScript: forked as is.
const { request } = require('node:http');

const [url, token] = process.argv.slice(2);
const MB = 1024 * 1024;
const head = '{"model":"dreamina-seedance-2-0-fast","content":[{"type":"text","text":"x"}],"junk":"';
// Everything in order until a \u0000 at the very end: read and scanned in full, refused, never parsed.
const nulAtEnd = Buffer.concat([Buffer.from(head), Buffer.alloc(64 * MB - head.length - 200, 0x61), Buffer.from('\\u0000"}')]);
const manyKeys = Buffer.from(`{${Array.from({ length: 140000 }, (_, i) => `"k${i}":${i}`).join(',')}}`);
const deep = Buffer.alloc(64 * MB - 200, 0x5b);
const noToken = Buffer.alloc(64 * MB - 200, 0x20);

function send(name, body, auth) {
  const started = Date.now();
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
    if (auth) headers.authorization = `Bearer ${token}`;
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ name, status: res.statusCode, ms: Date.now() - started }));
    });
    req.on('error', (e) => resolve({ name, status: -1, error: e.message, ms: Date.now() - started }));
    req.end(body);
  });
}

process.send('ready');
process.once('message', async () => {
  const out = [];
  for (let round = 0; round < 3; round++) {
    out.push(await send('64 MB ending in \\u0000, authenticated', nulAtEnd, true));
    out.push(await send('140,000 keys, authenticated', manyKeys, true));
    out.push(await send('64 MB of nesting, authenticated', deep, true));
    out.push(await send('64 MB, no token', noToken, false));
  }
  process.send(out);
});
