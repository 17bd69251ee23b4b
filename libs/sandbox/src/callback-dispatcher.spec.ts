import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type SandboxHandle } from './sandbox-server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

interface Receipt {
  headers: IncomingMessage['headers'];
  body: { id: string; status: string };
}

/** A callback receiver answering with the statuses given in turn (then 200). */
async function receiver(statuses: number[] = []): Promise<{ url: string; receipts: Receipt[]; close: () => Promise<void> }> {
  const receipts: Receipt[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      receipts.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    receipts,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function create(sandbox: SandboxHandle, extra: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${sandbox.dataPlaneUrl}/contents/generations/tasks`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${sandbox.apiKey}` },
    body: JSON.stringify({ model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'x' }], ...extra }),
  });
  return ((await response.json()) as { id: string }).id;
}

describe('callbacks', () => {
  describe('recorded, not delivered', () => {
    let sandbox: SandboxHandle;

    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0, queuedMs: 1000, runningMs: 1000, callbackIntervalMs: 20 });
    });

    afterAll(async () => {
      await sandbox.close();
    });

    beforeEach(() => sandbox.control.reset());

    it('records every status change with the task object as it was then', async () => {
      const id = await create(sandbox, { callback_url: 'https://example.com/cb' });
      sandbox.control.advance(5000);
      const records = sandbox.control.callbacks();

      expect(records.map((record) => record.status)).toEqual(['queued', 'running', 'succeeded']);
      for (const record of records) {
        expect(record).toMatchObject({ taskId: id, url: 'https://example.com/cb', attempts: 0, delivered: null });
        expect(record.body).toMatchObject({ id, status: record.status, model: 'dreamina-seedance-2-0-260128' });
      }
      expect(records[1].body.updated_at).toBe(Math.floor(sandbox.control.task(id)!.createdAtMs / 1000 + 1));
      expect(records[2].body.usage).toEqual({ completion_tokens: 108900, total_tokens: 108900 });
    });

    it('records failures and expiry, not cancellation', async () => {
      const failing = await create(sandbox, { callback_url: 'https://example.com/a' });
      const expiring = await create(sandbox, { callback_url: 'https://example.com/b', execution_expires_after: 3600 });
      const cancelled = await create(sandbox, { callback_url: 'https://example.com/c' });
      sandbox.control.forceOutcome(failing, 'failed', { code: 'InternalServiceError', message: 'boom' });
      sandbox.control.hold(expiring, 'queued');
      await fetch(`${sandbox.dataPlaneUrl}/contents/generations/tasks/${cancelled}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${sandbox.apiKey}` },
      });
      sandbox.control.advance(3600 * 1000);

      const statuses = (id: string) =>
        sandbox.control
          .callbacks()
          .filter((r) => r.taskId === id)
          .map((r) => r.status);
      expect(statuses(failing)).toEqual(['queued', 'failed']);
      expect(statuses(expiring)).toEqual(['queued', 'expired']);
      expect(statuses(cancelled)).toEqual(['queued']);
      expect(sandbox.control.callbacks().find((r) => r.status === 'failed')?.body.error).toEqual({ code: 'InternalServiceError', message: 'boom' });
    });

    it('notices changes without anyone polling', async () => {
      sandbox.control.setClock({ queuedMs: 30, runningMs: 30 });
      await create(sandbox, { callback_url: 'https://example.com/cb' });
      await until(() => sandbox.control.callbacks().length === 3);
      expect(sandbox.control.callbacks().map((r) => r.status)).toEqual(['queued', 'running', 'succeeded']);
    });

    it('records nothing for tasks without callback_url', async () => {
      await create(sandbox, {});
      sandbox.control.advance(5000);
      expect(sandbox.control.callbacks()).toEqual([]);
    });
  });

  describe('delivered', () => {
    let sandbox: SandboxHandle;

    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0, queuedMs: 1000, runningMs: 1000, deliverCallbacks: true, callbackIntervalMs: 20, callbackRetryDelayMs: 20 });
    });

    afterAll(async () => {
      await sandbox.close();
    });

    beforeEach(() => sandbox.control.reset());

    it('POSTs each change as JSON, in order', async () => {
      const hook = await receiver();
      try {
        const id = await create(sandbox, { callback_url: hook.url });
        sandbox.control.advance(5000);
        await until(() => hook.receipts.length === 3);
        expect(hook.receipts.map((r) => [r.body.id, r.body.status])).toEqual([
          [id, 'queued'],
          [id, 'running'],
          [id, 'succeeded'],
        ]);
        expect(hook.receipts[0].headers['content-type']).toBe('application/json');
        await until(() => sandbox.control.callbacks().every((r) => r.delivered === true));
        expect(sandbox.control.callbacks().map((r) => r.attempts)).toEqual([1, 1, 1]);
      } finally {
        await hook.close();
      }
    });

    it('retries a final status up to 3 times, a queued one not at all', async () => {
      const hook = await receiver([500, 500, 500, 500, 500]);
      try {
        await create(sandbox, { callback_url: hook.url });
        await until(() => hook.receipts.length === 1);
        const id = hook.receipts[0].body.id;
        sandbox.control.forceOutcome(id, 'succeeded');
        await until(() => sandbox.control.callbacks().every((r) => r.delivered !== null));
        const [queued, succeeded] = sandbox.control.callbacks();
        expect(queued).toMatchObject({ status: 'queued', attempts: 1, delivered: false, responseStatus: 500 });
        expect(succeeded).toMatchObject({ status: 'succeeded', attempts: 4, delivered: false, lastError: 'answered 500' });
        expect(hook.receipts).toHaveLength(5);
      } finally {
        await hook.close();
      }
    });

    it('stops retrying once acknowledged', async () => {
      const hook = await receiver([200, 503]);
      try {
        const id = await create(sandbox, { callback_url: hook.url });
        await until(() => hook.receipts.length === 1);
        sandbox.control.forceOutcome(id, 'failed');
        await until(() => sandbox.control.callbacks()[1]?.delivered === true);
        expect(sandbox.control.callbacks()[1]).toMatchObject({ status: 'failed', attempts: 2, responseStatus: 200 });
      } finally {
        await hook.close();
      }
    });

    it('gives up on an unreachable receiver without failing anything else', async () => {
      await create(sandbox, { callback_url: 'http://127.0.0.1:1/hook' });
      await until(() => sandbox.control.callbacks()[0]?.delivered === false);
      expect(sandbox.control.callbacks()[0].lastError).toEqual(expect.any(String));
    });
  });
});
