/**
 * docs/contract.md §10 "nothing blocks other requests for more than 100 ms": while hostile bodies of 64 MB and of
 * 140,000 keys are being sent and refused, while valid creates carrying an 8 MB and a 60 MB base64 image are read,
 * parsed, recorded and sent upstream, and while /v1/videos creates upload an 8 MB and a 29 MB image, a concurrent
 * /healthz keeps answering within 100 ms. The
 * gateway runs as its own process (as `npm start` runs it), the bodies go out from another and the sandbox
 * runs in a third, so only the gateway's own work shares its event loop, and its heap is the gateway's.
 * A timed assertion by necessity: it takes the worst of many probes over the whole run, and on a busy
 * shared machine allows on top of the 100 ms the worst of the same probes sent at the same moments to a
 * bare node:http server in a process of its own (a control that no gateway work can slow down).
 */
import type { SandboxHandle } from '@arkgate/sandbox';
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { type ChildGateway, startChildGateway } from '../support/child-gateway';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { ADMIN_TOKEN, TASKS } from '../support/test-gateway';

jest.setTimeout(90_000);

let sandbox: ChildProcess;
let db: TestDatabase;
let gw: ChildGateway;
let admin: (path: string, body: unknown) => Promise<Record<string, string>>;
let token: string;

beforeAll(async () => {
  sandbox = fork(join(__dirname, 'sandbox-process.js'), [], { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const handle = await new Promise<SandboxHandle>((resolve) => sandbox.once('message', (m) => resolve(m as SandboxHandle)));
  db = await createTestDatabase({ shareable: true });
  // Sending a 60 MB create upstream on a busy machine may take seconds.
  gw = await startChildGateway({ sandbox: handle, database: db.config, timeoutMs: 60_000, env: { ARK_TIMEOUT_MS: '30000' } });
  admin = (path: string, body: unknown) =>
    fetch(gw.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<Record<string, string>>);
  const tenant = await admin('/admin/tenants', { name: `stall-${Date.now()}` });
  ({ token } = await admin(`/admin/tenants/${tenant.id}/tokens`, { name: 'stall' }));
});
afterAll(async () => {
  gw?.kill('SIGKILL');
  await gw?.exited;
  sandbox?.kill();
  await db?.drop();
});

/** One GET /healthz on a fresh connection: its latency in ms. */
function probe(url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`healthz ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

it('/healthz answers within 100 ms while a 64 MB hostile body and a 140,000-key body are processed', async () => {
  const { sent, latencies, report, exceeded } = await measured(() => probeWhileSending('hostile-sender.js', token));
  expect(sent.slice(0, 4).map((s) => [s.name, s.status])).toEqual([
    ['64 MB ending in \\u0000, authenticated', 400],
    ['140,000 keys, authenticated', 400],
    ['64 MB of nesting, authenticated', 400],
    ['64 MB, no token', 401],
  ]);
  expect(sent.map((s) => s.status)).toEqual([
    ...sent.slice(0, 4).map((s) => s.status),
    ...sent.slice(0, 4).map((s) => s.status),
    ...sent.slice(0, 4).map((s) => s.status),
  ]);
  expect(latencies.length).toBeGreaterThan(10);
  if (exceeded) throw new Error(report);
});

it('/healthz answers within 100 ms while valid creates carrying an 8 MB and a 60 MB base64 image are processed (media policy any)', async () => {
  const tenant = await admin('/admin/tenants', { name: `stall-any-${Date.now()}`, media_policy: 'any' });
  const { token: anyToken } = await admin(`/admin/tenants/${tenant.id}/tokens`, { name: 'stall-any' });
  // A valid body is parsed off the event loop, and its 60 MB image comes back as bytes the worker made, behind a
  // stand-in (libs/byteplus/src/held-strings.ts): making that string on the event loop's thread would stall it for
  // its page faults alone (200–300 ms on some machines).
  const { sent, latencies, report, exceeded } = await measured(() => probeWhileSending('valid-sender.js', anyToken));
  expect(sent.map((s) => [s.name, s.status])).toEqual([
    ['8 MB base64 image, valid', 200],
    ['8 MB base64 image, valid', 200],
    ['60 MB base64 image, valid', 200],
    ['60 MB base64 image, valid', 200],
  ]);
  expect(latencies.length).toBeGreaterThan(10);
  if (exceeded) throw new Error(report);
});

it('/healthz answers within 100 ms while /v1/videos creates uploading an 8 MB and a 29 MB image (multipart) are processed', async () => {
  const tenant = await admin('/admin/tenants', { name: `stall-upload-${Date.now()}`, media_policy: 'any' });
  const { token: uploadToken } = await admin(`/admin/tenants/${tenant.id}/tokens`, { name: 'stall-upload' });
  // The upload's data URI (40 MB of base64 for 29 MB) is made off the event loop and held as bytes.
  const { sent, latencies, report, exceeded } = await measured(() => probeWhileSending('upload-sender.js', uploadToken, '/v1/videos'));
  expect(sent.map((s) => [s.name, s.status])).toEqual([
    ['8 MB image upload, valid', 200],
    ['8 MB image upload, valid', 200],
    ['29 MB image upload, valid', 200],
    ['29 MB image upload, valid', 200],
  ]);
  expect(latencies.length).toBeGreaterThan(10);
  if (exceeded) throw new Error(report);
});

/**
 * One measurement, and a second only when the first saw a probe over the limit: a moment when another process
 * had the machine's cores fails one run, while a gateway that really blocks its loop (for seconds, as before the
 * body gate) fails both. The report of a retried run says so.
 */
async function measured<T extends { exceeded: boolean; report: string }>(run: () => Promise<T>): Promise<T> {
  const first = await run();
  if (!first.exceeded) return first;
  const second = await run();
  return { ...second, report: `first run over the limit (${first.report}); second run: ${second.report}` };
}

/**
 * Forks `script` (it builds its bodies, says "ready", sends them on "go" and reports each answer), and probes the
 * gateway and a control server at the same moments until the sender is done.
 */
async function probeWhileSending(
  script: string,
  senderToken: string,
  path = TASKS,
): Promise<{ sent: Array<{ name: string; status: number; ms: number }>; latencies: number[]; report: string; exceeded: boolean }> {
  const sender = fork(join(__dirname, script), [gw.url + path, senderToken], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise((r) => sender.once('message', r)); // the bodies are built
  const results = new Promise<Array<{ name: string; status: number; ms: number }>>((resolve, reject) => {
    sender.on('message', (m) => Array.isArray(m) && resolve(m as never));
    sender.once('exit', (code) => code !== 0 && reject(new Error(`sender exited ${code}`)));
  });
  await ready;
  const control = await startControlServer();
  sender.send('go');

  // Each tick probes the gateway and, at the same moment, a bare node:http server in a process of its own:
  // the control shows what the busy machine alone costs a probe.
  const latencies: number[] = [];
  const controls: number[] = [];
  let sending = true;
  const done = results.finally(() => (sending = false));
  while (sending) {
    const [g, c] = await Promise.all([probeTrio(gw.url), probeTrio(control.url)]);
    latencies.push(g);
    controls.push(c);
    await new Promise((r) => setTimeout(r, 10));
  }
  const sent = await done;
  sender.kill();
  control.process.kill();

  const worst = Math.max(...latencies);
  const noise = Math.max(...controls);
  const report = `healthz: worst ${worst.toFixed(1)} ms of ${latencies.length} probes under ${script}, control server worst ${noise.toFixed(1)} ms; bodies answered ${sent.map((x) => `${x.status} in ${x.ms} ms`).join(', ')}`;
  console.log(report);
  // 100 ms on an idle machine; on a shared, busy one the control's worst is allowed on top.
  return { sent, latencies, report, exceeded: worst >= 100 + noise };
}

/** A bare node:http server answering every request with 200, in a child process: the probes' control. */
async function startControlServer(): Promise<{ url: string; process: ChildProcess }> {
  const child = fork(join(__dirname, 'control-server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(m as number)));
  return { url: `http://127.0.0.1:${port}`, process: child };
}

/**
 * Three probes at once: a blocked event loop delays all three, so the fastest of them is the gateway's
 * answer time without the noise of one probe's own scheduling.
 */
async function probeTrio(url: string): Promise<number> {
  return Math.min(...(await Promise.all([probe(url), probe(url), probe(url)])));
}
