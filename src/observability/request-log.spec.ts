import express from 'express';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import pino from 'pino';
import { attachRequestContext, requestContextOf } from '../common/http/request-context';
import { AppLogger } from './app-logger';
import { requestLog } from './request-log';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const root = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { root, lines };
}

describe('requestLog', () => {
  const started: { close: () => void }[] = [];
  afterAll(() => started.forEach((s) => s.close()));

  async function serve(root: pino.Logger): Promise<string> {
    const app = express();
    app.use(requestLog(root));
    app.get('/ok/:id', (req, res) => {
      requestContextOf(req).principal = { tenant: { id: 'tenant-1' } } as never;
      res.json({ ok: true });
    });
    app.get('/boom', (_req, res) => res.status(502).json({ error: 'x' }));
    app.get('/hang', (_req, res) => res.write('partial'));
    const server = app.listen(0, '127.0.0.1');
    started.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The line is written when the response closes, which may be just after the client has its answer. */
  const settle = async (lines: unknown[], n: number) => {
    for (let i = 0; i < 200 && lines.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('writes one info line per answered request: request id, tenant, method, route template, status, duration; no URL', async () => {
    const { root, lines } = capture();
    const base = await serve(root);
    const res = await fetch(`${base}/ok/cgt-secret-id?token=abc`, { headers: { 'x-client-request-id': 'probe-1' } });
    expect(res.status).toBe(200);
    await settle(lines, 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, request_id: 'probe-1', tenant_id: 'tenant-1', method: 'GET', route: '/ok/:id', status: 200 });
    expect(typeof lines[0].duration_ms).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('cgt-secret-id');
    expect(JSON.stringify(lines[0])).not.toContain('token=abc');
  });

  it('a 5xx, and a request whose answer never finished, are error lines', async () => {
    const { root, lines } = capture();
    const base = await serve(root);
    await fetch(`${base}/boom`);
    await new Promise<void>((resolve) => {
      const req = request(`${base}/hang`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    await settle(lines, 2);
    expect(lines.map((l) => [l.level, l.route, l.status])).toEqual([
      [50, '/boom', 502],
      [50, '/hang', 200],
    ]);
    expect(lines[1].msg).toContain('answer not finished');
  });

  it('at warn, answered requests write nothing and an error still does; the request id is attached either way', async () => {
    const { root, lines } = capture('warn');
    const app = express();
    let seen = '';
    app.use(requestLog(root));
    app.get('/ok', (req, res) => {
      seen = requestContextOf(req).requestId;
      res.json({});
    });
    app.get('/boom', (_req, res) => res.status(500).end());
    const server = app.listen(0, '127.0.0.1');
    started.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await fetch(`${base}/ok`);
    await fetch(`${base}/boom`);
    await settle(lines, 1);
    expect(seen).toMatch(/^\d{14}[0-9A-F]{20}$/);
    expect(lines.map((l) => l.status)).toEqual([500]);
  });

  it('names the whole route template of a mounted router whose handler answers later', async () => {
    const { root, lines } = capture();
    const app = express();
    app.use(requestLog(root));
    const router = express.Router();
    router.post('/api/v3/tasks', (_req, res) => {
      setTimeout(() => res.json({ id: 'cgt-1' }), 5);
    });
    app.use('/volcark', router);
    const server = app.listen(0, '127.0.0.1');
    started.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/volcark/api/v3/tasks`, { method: 'POST' });
    await settle(lines, 1);
    expect(lines[0]).toMatchObject({ method: 'POST', route: '/volcark/api/v3/tasks', status: 200 });
  });

  it('keeps a context an earlier middleware attached', async () => {
    const { root, lines } = capture();
    const app = express();
    app.use((req, _res, next) => {
      attachRequestContext(req, 'from-earlier', '127.0.0.1');
      next();
    });
    app.use(requestLog(root));
    app.get('/ok', (_req, res) => res.json({}));
    const server = app.listen(0, '127.0.0.1');
    started.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ok`);
    await settle(lines, 1);
    expect(lines[0].request_id).toBe('from-earlier');
  });
});

describe('AppLogger', () => {
  it('writes Nest log lines with their context, an error with its stack, and drops start-up chatter', () => {
    const { root, lines } = capture('debug');
    const logger = new AppLogger(root);
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('Mapped {/x, GET} route', 'RouterExplorer');
    logger.log('charged task cgt-1', 'BillingService');
    logger.warn('sync of task cgt-2 failed', 'TaskPollerService');
    logger.error('round failed', 'Error: x\n    at y', 'TaskPollerService');
    logger.debug('detail', 'Ctx');
    logger.verbose('hidden at debug', 'Ctx');
    expect(lines.map((l) => [l.level, l.context, l.msg])).toEqual([
      [30, 'BillingService', 'charged task cgt-1'],
      [40, 'TaskPollerService', 'sync of task cgt-2 failed'],
      [50, 'TaskPollerService', 'round failed'],
      [20, 'Ctx', 'detail'],
    ]);
    expect(lines[2].stack).toBe('Error: x\n    at y');
  });

  it('writes nothing below its level and keeps an Error object', () => {
    const { root, lines } = capture('warn');
    const logger = new AppLogger(root);
    logger.log('info line', 'X');
    logger.error(new Error('broken'), 'X');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, context: 'X', msg: 'broken' });
    expect((lines[0].err as { message: string }).message).toBe('broken');
  });
});
