import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from './sandbox-server';

const TASKS = '/api/v3/contents/generations/tasks';
const auth = { Authorization: 'Bearer k' };
const body = JSON.stringify({ model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'a fox' }] });

/** A GET on a fresh connection (a pooled one may still point at the sandbox that was closed). */
function freshGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('sandbox state file: tasks and result URLs survive a restart', () => {
  let dir: string;
  let stateFile: string;
  const open: SandboxHandle[] = [];
  const start = async (extra: { port?: number } = {}) => {
    const sandbox = await startSandbox({ apiKey: 'k', queuedMs: 0, runningMs: 0, stateFile, ...extra });
    open.push(sandbox);
    return sandbox;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
    stateFile = join(dir, 'data', 'sandbox-state.json');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a restarted sandbox takes its port again and still serves the task and its result file', async () => {
    const first = await start();
    const created = (await (await fetch(`${first.url}${TASKS}`, { method: 'POST', headers: auth, body })).json()) as { id: string };
    const done = (await (await fetch(`${first.url}${TASKS}/${created.id}`, { headers: auth })).json()) as { status: string; content: { video_url: string } };
    expect(done.status).toBe('succeeded');
    await first.close();

    const second = await start();
    expect(second.url).toBe(first.url);
    const again = await freshGet(`${second.url}${TASKS}/${created.id}`, auth);
    expect(JSON.parse(again.body.toString())).toMatchObject({ id: created.id, status: 'succeeded' });
    const video = await freshGet(done.content.video_url);
    expect(video.status).toBe(200);
    expect(video.type).toBe('video/mp4');
    expect(video.body.length).toBeGreaterThan(0);
  });

  it('saves after each state-changing request, without waiting for close', async () => {
    const sandbox = await start();
    const created = (await (await fetch(`${sandbox.url}${TASKS}`, { method: 'POST', headers: auth, body })).json()) as { id: string };
    await new Promise((r) => setTimeout(r, 400));
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { version: number; tasks: { id: string }[] };
    expect(saved.version).toBe(1);
    expect(saved.tasks.map((t) => t.id)).toEqual([created.id]);
  });

  it('takes any free port when the saved one is busy', async () => {
    const first = await start();
    const port = Number(new URL(first.url).port);
    await first.close();
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', () => r()));
    try {
      const second = await start();
      expect(second.url).not.toBe(first.url);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });

  it('refuses a file that is not a sandbox state instead of overwriting it', async () => {
    const first = await start();
    await first.close();
    writeFileSync(stateFile, '{"hello":"world"}');
    await expect(start()).rejects.toThrow(/not a sandbox state file/);
    expect(readFileSync(stateFile, 'utf8')).toBe('{"hello":"world"}');
  });
});
