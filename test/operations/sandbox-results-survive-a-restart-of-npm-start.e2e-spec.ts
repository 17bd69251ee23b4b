/**
 * `npm start` in sandbox mode keeps the sandbox's tasks and assets in `data/sandbox-state.json` and takes the same
 * sandbox port again, so a task finished before a restart is still served after it — its record, its result URL and
 * the demo assets the demo examples use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxModeGateway, type SandboxModeGateway } from '../../scripts/sandbox-mode-gateway';

const TASKS = '/volcark/api/v3/contents/generations/tasks';

/** One request on its own connection (no pooled socket to a process that has exited). */
function call(method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; type: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      { method, agent: false, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(payload ? { 'Content-Type': 'application/json' } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text: Buffer.concat(chunks).toString('latin1') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('npm start: sandbox results survive a restart', () => {
  let dir: string;
  let gateway: SandboxModeGateway | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'arkgate-restart-'));
  });
  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a task that succeeded before the restart answers after it, and its result URL still serves the video', async () => {
    gateway = await startSandboxModeGateway(dir, { env: { ARKGATE_SYNC_INTERVAL_MS: '500' } });
    const { BASE_URL, TOKEN } = gateway.demo;
    const created = await call('POST', `${BASE_URL}${TASKS}`, TOKEN, {
      model: 'dreamina-seedance-2-0',
      content: [{ type: 'text', text: 'A lighthouse at dusk, slow pan' }],
      resolution: '480p',
      duration: 4,
    });
    expect(created.status).toBe(200);
    const id = (JSON.parse(created.text) as { id: string }).id;

    let task: { status: string; content?: { video_url?: string } } = { status: 'queued' };
    const deadline = Date.now() + 30_000;
    while (task.status !== 'succeeded' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      task = JSON.parse((await call('GET', `${BASE_URL}${TASKS}/${id}`, TOKEN)).text);
    }
    expect(task.status).toBe('succeeded');
    const videoUrl = task.content?.video_url as string;
    expect((await call('GET', videoUrl)).status).toBe(200);

    await gateway.stop();
    gateway = await startSandboxModeGateway(dir, { port: Number(new URL(BASE_URL).port) });

    const after = await call('GET', `${BASE_URL}${TASKS}/${id}`, TOKEN);
    expect(after.status).toBe(200);
    expect(JSON.parse(after.text)).toMatchObject({ id, status: 'succeeded', content: { video_url: videoUrl } });
    const video = await call('GET', videoUrl);
    expect(video.status).toBe(200);
    expect(video.type).toBe('video/mp4');
  }, 120_000);
});
