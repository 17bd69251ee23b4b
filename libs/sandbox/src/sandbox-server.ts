/**
 * A standalone HTTP server (plain node:http) that behaves like the BytePlus ModelArk data plane and the
 * control-plane asset library (OpenAPI, V4-signed), for tests and for running the gateway without BytePlus
 * credentials.
 *
 * Requests are read whole, then offered to each surface in turn. Upstream operations (routes with an `op`)
 * are recorded and may be struck by injected faults before (or after) they are served.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo, Socket } from 'node:net';
import { AssetActions } from './asset-actions';
import { AssetStore } from './asset-store';
import { CallbackDispatcher } from './callback-dispatcher';
import { ControlApiSurface } from './control-api-surface';
import { DataPlaneSurface } from './data-plane-surface';
import { FaultInjector, type ActiveFault } from './fault-injector';
import { FilesSurface } from './files-surface';
import { OpenApiSurface } from './openapi-surface';
import { RequestLog } from './request-log';
import { syntheticMp4 } from './result-file';
import { loadSandboxAssets } from './sandbox-assets';
import { SandboxClock } from './sandbox-clock';
import { SandboxControl } from './sandbox-control';
import { arkError, arkErrorBody, type SandboxReply, type SandboxRequest, type SandboxRoute, type SandboxSurface } from './sandbox-http';
import { DebouncedStateWriter, readSandboxState, type SandboxState } from './sandbox-state-file';
import { TaskStore } from './task-store';

export interface SandboxOptions {
  /** Listen port; 0 (default) picks a free one. */
  port?: number;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Bearer key the data plane accepts; default `sandbox-key`. */
  apiKey?: string;
  /** Time a task stays queued; default 2000 ms. */
  queuedMs?: number;
  /** Time a task stays running; default 5000 ms. */
  runningMs?: number;
  /** Base of result URLs; default the URL actually bound. */
  publicUrl?: string;
  /** Model ids accepted besides the three official ones and `ep-…` endpoint ids. */
  extraModels?: string[];
  /** Queued tasks allowed before creates answer 429; default unlimited. */
  maxQueued?: number;
  /** POST callbacks to `callback_url` (they are always recorded); default false. */
  deliverCallbacks?: boolean;
  /** How often in-flight tasks with a callback_url are looked at; default 100 ms. */
  callbackIntervalMs?: number;
  /** Pause between callback retries; default 1000 ms. */
  callbackRetryDelayMs?: number;
  /** Recorded requests and callbacks kept (most recent); default 10000 each. */
  recordLimit?: number;
  /** Access key the control plane (OpenAPI) accepts; default `AKSANDBOX`. */
  accessKeyId?: string;
  /** Its secret; default `sandbox-secret`. */
  secretAccessKey?: string;
  /** Signing region of the control plane, echoed in ResponseMetadata; default `ap-southeast-1`. */
  region?: string;
  /** Projects of the account (ProjectName); default `['default']`. */
  projects?: string[];
  /** Time an asset stays Pending; default 0. */
  assetPendingMs?: number;
  /** Time an asset stays Processing before Active or Failed; default 1500 ms. */
  assetProcessingMs?: number;
  /** Time a just-created asset is invisible to GetAsset/ListAssets (like the real service); default 500 ms. */
  assetInvisibleMs?: number;
  /**
   * Hosts whose assets end Failed (DownloadFailed), as do hosts under `.invalid` and URLs that are not http(s).
   * The sandbox never fetches asset URLs.
   */
  unreachableHosts?: string[];
  /**
   * Serve every result MP4 as a generated MP4-like file of exactly this many bytes (deterministic, made as it
   * is sent, never held whole), e.g. 50 MB for memory tests of a gateway streaming it; default the 1-second sample.
   */
  resultVideoBytes?: number;
  /**
   * A JSON file that keeps tasks, asset groups and assets (and the port) across restarts: read at start, saved after
   * every state-changing request and on close. With `port` 0 the saved port is taken again when it is free, so the
   * result URLs handed out before the restart still answer. Default: none (everything in memory).
   */
  stateFile?: string;
}

export interface SandboxHandle {
  /** e.g. `http://127.0.0.1:39123` */
  url: string;
  /** `url + '/api/v3'` */
  dataPlaneUrl: string;
  apiKey: string;
  /** Base of the control plane (`POST <openApiUrl>/?Action=…&Version=2024-01-01`); the same as `url`. */
  openApiUrl: string;
  accessKeyId: string;
  secretAccessKey: string;
  control: SandboxControl;
  /** Stops listening, ends every open connection (hanging ones too) and stops timers. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 70 * 1024 * 1024;
const CALLBACK_TIMEOUT_MS = 5000;

class BodyTooLarge extends Error {}

export async function startSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  const server = new SandboxServer(opts);
  return server.start();
}

class SandboxServer {
  private readonly http: Server;
  private readonly sockets = new Set<Socket>();
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  private readonly clock: SandboxClock;
  private readonly store: TaskStore;
  private readonly assets: AssetStore;
  private readonly faults = new FaultInjector();
  private readonly requestLog: RequestLog;
  private readonly callbacks: CallbackDispatcher;
  private readonly control: SandboxControl;
  private readonly surfaces: SandboxSurface[];
  private publicUrl = '';
  private closing: Promise<void> | undefined;
  private readonly accessKeyId: string;
  private readonly secretAccessKey: string;
  private readonly saved: SandboxState | null;
  private readonly stateWriter: DebouncedStateWriter | undefined;
  private port = 0;

  constructor(private readonly opts: SandboxOptions) {
    this.accessKeyId = opts.accessKeyId ?? 'AKSANDBOX';
    this.secretAccessKey = opts.secretAccessKey ?? 'sandbox-secret';
    const queuedMs = opts.queuedMs ?? 2000;
    const runningMs = opts.runningMs ?? 5000;
    const limit = opts.recordLimit ?? 10000;
    const publicUrl = () => this.publicUrl;
    this.clock = new SandboxClock(queuedMs, runningMs);
    this.store = new TaskStore(this.clock);
    this.assets = new AssetStore(
      this.clock,
      { pendingMs: opts.assetPendingMs ?? 0, processingMs: opts.assetProcessingMs ?? 1500, invisibleMs: opts.assetInvisibleMs ?? 500 },
      opts.unreachableHosts ?? [],
    );
    this.requestLog = new RequestLog(limit);
    this.callbacks = new CallbackDispatcher(this.store, {
      deliver: opts.deliverCallbacks ?? false,
      publicUrl,
      now: () => this.clock.now(),
      intervalMs: opts.callbackIntervalMs ?? 100,
      retryDelayMs: opts.callbackRetryDelayMs ?? 1000,
      timeoutMs: CALLBACK_TIMEOUT_MS,
      limit,
    });
    this.control = new SandboxControl({
      store: this.store,
      assets: this.assets,
      clock: this.clock,
      faults: this.faults,
      requests: this.requestLog,
      callbacks: this.callbacks,
      publicUrl,
      initialClock: { queuedMs, runningMs },
    });
    // One entry per surface.
    this.surfaces = [
      new ControlApiSurface(this.control),
      new FilesSurface(this.store, loadSandboxAssets(), this.assets, opts.resultVideoBytes === undefined ? undefined : syntheticMp4(opts.resultVideoBytes)),
      new OpenApiSurface(new AssetActions(this.assets, { projects: opts.projects ?? ['default'], publicUrl }), {
        accessKeyId: this.accessKeyId,
        secretAccessKey: this.secretAccessKey,
        region: opts.region ?? 'ap-southeast-1',
      }),
      new DataPlaneSurface(this.store, this.assets, {
        apiKey: opts.apiKey ?? 'sandbox-key',
        extraModels: opts.extraModels ?? [],
        maxQueued: opts.maxQueued ?? Infinity,
        publicUrl,
      }),
    ];
    this.saved = opts.stateFile ? readSandboxState(opts.stateFile) : null;
    if (this.saved) {
      this.store.restore(this.saved.tasks);
      this.assets.restore({ groups: this.saved.assetGroups, assets: this.saved.assets });
      if (this.saved.clockOffsetMs > 0) this.clock.advance(this.saved.clockOffsetMs);
    }
    this.stateWriter = opts.stateFile
      ? new DebouncedStateWriter(
          opts.stateFile,
          () => this.state(),
          200,
          (err) => process.stderr.write(`sandbox: could not save ${opts.stateFile}: ${err.message}\n`),
        )
      : undefined;
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<SandboxHandle> {
    const host = this.opts.host ?? '127.0.0.1';
    const wanted = this.opts.port ?? 0;
    try {
      await this.listen(wanted === 0 && this.saved ? this.saved.port : wanted, host);
    } catch (err) {
      // The port of the previous run is taken: any free one (its result URLs then no longer answer).
      if (wanted !== 0 || !this.saved || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      await this.listen(0, host);
    }
    const { port } = this.http.address() as AddressInfo;
    this.port = port;
    this.stateWriter?.flush();
    const url = `http://${urlHost(host)}:${port}`;
    this.publicUrl = (this.opts.publicUrl ?? url).replace(/\/+$/, '');
    return {
      url,
      dataPlaneUrl: `${url}/api/v3`,
      apiKey: this.opts.apiKey ?? 'sandbox-key',
      openApiUrl: url,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
      control: this.control,
      close: () => this.close(),
    };
  }

  private listen(port: number, host: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
  }

  private state(): SandboxState {
    const assets = this.assets.snapshot();
    return { version: 1, port: this.port, clockOffsetMs: this.clock.offset, tasks: this.store.snapshot(), assetGroups: assets.groups, assets: assets.assets };
  }

  private close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      for (const sleep of this.sleeps) {
        clearTimeout(sleep.timer);
        sleep.done();
      }
      this.sleeps.clear();
      await this.callbacks.close();
      await closed;
      this.stateWriter?.flush();
    })();
    return this.closing;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      let rawBody: Buffer;
      try {
        rawBody = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          send(res, arkError(413, 'InvalidParameter', 'The request body is too large.', 'body'), false);
          res.on('finish', () => req.socket.destroy());
        }
        return;
      }
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
      const request: SandboxRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        at: this.clock.now(),
      };
      const route = this.routeFor(request);
      if (!route) {
        send(res, arkError(404, 'NotFound', `The requested resource ${request.method} ${request.path} does not exist.`), false);
        return;
      }
      let fault: ActiveFault | undefined;
      if (route.op !== undefined) {
        this.requestLog.record(request, route.op);
        fault = this.faults.take(route.op, route.family);
      }
      if (fault?.kind === 'latency') {
        await this.sleep(fault.ms ?? 0);
        if (this.closing) return;
      } else if (fault && !fault.afterHandling) {
        this.strike(fault, route, req, res);
        return;
      }
      const reply = await route.handle();
      if (request.method !== 'GET' && request.method !== 'HEAD') this.stateWriter?.changed();
      if (fault && fault.kind !== 'latency') {
        this.strike(fault, route, req, res);
        return;
      }
      send(res, reply, request.method === 'HEAD');
    } catch {
      if (!res.headersSent && !res.destroyed) {
        send(res, arkError(500, 'InternalServiceError', 'The service encountered an unexpected internal error.'), false);
      }
    }
  }

  private routeFor(request: SandboxRequest): SandboxRoute | null {
    for (const surface of this.surfaces) {
      const route = surface.route(request);
      if (route) return route;
    }
    return null;
  }

  private strike(fault: ActiveFault, route: SandboxRoute, req: IncomingMessage, res: ServerResponse): void {
    switch (fault.kind) {
      case 'status': {
        const status = fault.status ?? 500;
        const [code, message] = ['InternalServiceError', 'The service encountered an unexpected internal error.'];
        const body = fault.body ?? (route.errorBody ? route.errorBody(status, code, message) : arkErrorBody(status, code, message));
        send(res, { status, body }, false);
        return;
      }
      case 'reset': {
        const socket = req.socket as Socket & { resetAndDestroy?: () => void };
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
        return;
      }
      case 'hang':
      default:
        // No answer: the connection stays open until the client gives up or the sandbox closes.
        return;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        done: resolve,
      };
      this.sleeps.add(entry);
    });
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}

function send(res: ServerResponse, reply: SandboxReply, headOnly: boolean): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string | number> = { ...reply.headers };
  let payload: Buffer | undefined;
  const { body } = reply;
  if (body instanceof Readable) {
    headers['Content-Type'] ??= 'application/octet-stream';
    headers['Content-Length'] = reply.length ?? 0;
    res.writeHead(reply.status, headers);
    if (headOnly) {
      body.destroy();
      res.end();
      return;
    }
    res.on('close', () => body.destroy());
    body.pipe(res);
    return;
  }
  if (Buffer.isBuffer(body)) {
    payload = body;
    headers['Content-Type'] ??= 'application/octet-stream';
  } else if (typeof body === 'string') {
    payload = Buffer.from(body, 'utf8');
    headers['Content-Type'] ??= 'text/plain; charset=utf-8';
  } else if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body), 'utf8');
    headers['Content-Type'] ??= 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = payload?.length ?? 0;
  res.writeHead(reply.status, headers);
  res.end(headOnly ? undefined : payload);
}
