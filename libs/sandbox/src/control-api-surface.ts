/**
 * The sandbox controls over HTTP, JSON in and out, no auth:
 *
 *   GET    /_sandbox/tasks/{id}            raw record
 *   GET    /_sandbox/tasks/{id}/view       task object as GET would return it
 *   POST   /_sandbox/tasks/{id}/outcome    {"outcome": "succeeded"|"failed"|"expired", "error"?: {code, message}}
 *   POST   /_sandbox/tasks/{id}/hold       {"status": "queued"|"running"}
 *   POST   /_sandbox/tasks/{id}/release
 *   POST   /_sandbox/fail-next             {"error"?: {code, message}}
 *   POST   /_sandbox/hold-all              {"status": "queued"|"running"|null}
 *   GET    /_sandbox/clock
 *   POST   /_sandbox/clock                 {"queuedMs"?, "runningMs"?}
 *   POST   /_sandbox/advance               {"ms": n}
 *   GET    /_sandbox/faults
 *   POST   /_sandbox/faults                {"op", "kind", "status"?, "body"?, "ms"?, "times"?, "afterHandling"?}
 *   DELETE /_sandbox/faults
 *   GET    /_sandbox/requests
 *   DELETE /_sandbox/requests
 *   GET    /_sandbox/callbacks
 *   DELETE /_sandbox/callbacks
 *   POST   /_sandbox/reset
 *   GET    /_sandbox/asset-groups          raw group records
 *   GET    /_sandbox/assets                raw asset records (visible to the API or not)
 *   GET    /_sandbox/assets/{id}           raw record
 *   GET    /_sandbox/assets/{id}/view      asset object as GetAsset would return it
 *   POST   /_sandbox/assets/{id}/outcome   {"outcome": "Active"|"Failed", "error"?: {Code, Message}}
 *   POST   /_sandbox/assets/{id}/hold      {"status": "Pending"|"Processing"}
 *   POST   /_sandbox/assets/{id}/release
 *   GET    /_sandbox/asset-clock
 *   POST   /_sandbox/asset-clock           {"pendingMs"?, "processingMs"?, "invisibleMs"?}
 *
 * Errors: `{"error": {...}}` with 400 for bad input, 404 for an unknown task or asset, 409 for a forbidden change.
 */
import type { FaultSpec } from './fault-injector';
import type { SandboxControl } from './sandbox-control';
import { arkError, decodeSegment, json, type SandboxReply, type SandboxRequest, type SandboxRoute, type SandboxSurface } from './sandbox-http';
import { SandboxControlError } from './task-store';

const PREFIX = '/_sandbox/';
const CODES: Record<number, string> = { 400: 'InvalidParameter', 404: 'ResourceNotFound', 409: 'InvalidAction' };

type Body = Record<string, unknown>;
type Handler = (body: Body) => unknown;

export class ControlApiSurface implements SandboxSurface {
  constructor(private readonly control: SandboxControl) {}

  route(req: SandboxRequest): SandboxRoute | null {
    if (!req.path.startsWith(PREFIX)) return null;
    return { handle: () => this.serve(req) };
  }

  private serve(req: SandboxRequest): SandboxReply {
    const handler = this.pick(req.method, req.path.slice(PREFIX.length).replace(/\/+$/, ''));
    if (!handler) return arkError(404, 'NotFound', `No sandbox control at ${req.method} ${req.path}.`);
    let body: Body = {};
    if (req.rawBody.length > 0) {
      try {
        const parsed: unknown = JSON.parse(req.rawBody.toString('utf8'));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        body = parsed as Body;
      } catch {
        return arkError(400, 'InvalidParameter', 'The control request body must be a JSON object.', 'body');
      }
    }
    try {
      const result = handler(body);
      return json(result === undefined ? { ok: true } : result);
    } catch (error) {
      if (error instanceof SandboxControlError) return arkError(error.status, CODES[error.status] ?? 'InvalidParameter', error.message);
      throw error;
    }
  }

  private pick(method: string, path: string): Handler | undefined {
    const c = this.control;
    const task = /^tasks\/([^/]+)(?:\/(view|outcome|hold|release))?$/.exec(path);
    if (task) {
      const id = decodeSegment(task[1]);
      const notFound = () => {
        throw new SandboxControlError(404, `Task ${id} not found`);
      };
      switch (`${method} ${task[2] ?? ''}`) {
        case 'GET ':
          return () => c.task(id) ?? notFound();
        case 'GET view':
          return () => c.taskView(id) ?? notFound();
        case 'POST outcome':
          return (b) => c.forceOutcome(id, b.outcome as never, b.error as never);
        case 'POST hold':
          return (b) => c.hold(id, b.status as never);
        case 'POST release':
          return () => c.release(id);
        default:
          return undefined;
      }
    }
    const asset = /^assets\/([^/]+)(?:\/(view|outcome|hold|release))?$/.exec(path);
    if (asset) {
      const id = decodeSegment(asset[1]);
      const notFound = () => {
        throw new SandboxControlError(404, `Asset ${id} not found`);
      };
      switch (`${method} ${asset[2] ?? ''}`) {
        case 'GET ':
          return () => c.asset(id) ?? notFound();
        case 'GET view':
          return () => c.assetView(id) ?? notFound();
        case 'POST outcome':
          return (b) => c.forceAssetOutcome(id, b.outcome as never, b.error as never);
        case 'POST hold':
          return (b) => c.holdAsset(id, b.status as never);
        case 'POST release':
          return () => c.releaseAsset(id);
        default:
          return undefined;
      }
    }
    const routes: Record<string, Handler> = {
      'POST fail-next': (b) => c.failNext(b.error as never),
      'POST hold-all': (b) => c.holdAll((b.status ?? null) as never),
      'GET clock': () => c.clock(),
      'POST clock': (b) => c.setClock({ queuedMs: b.queuedMs as number | undefined, runningMs: b.runningMs as number | undefined }),
      'POST advance': (b) => c.advance(b.ms as number),
      'GET faults': () => c.faults(),
      'POST faults': (b) => c.addFault(b as unknown as FaultSpec),
      'DELETE faults': () => c.clearFaults(),
      'GET requests': () => c.requests(),
      'DELETE requests': () => c.clearRequests(),
      'GET callbacks': () => c.callbacks(),
      'DELETE callbacks': () => c.clearCallbacks(),
      'POST reset': () => c.reset(),
      'GET asset-groups': () => c.assetGroups(),
      'GET assets': () => c.assets(),
      'GET asset-clock': () => c.assetClock(),
      'POST asset-clock': (b) =>
        c.setAssetClock({
          pendingMs: b.pendingMs as number | undefined,
          processingMs: b.processingMs as number | undefined,
          invisibleMs: b.invisibleMs as number | undefined,
        }),
    };
    return routes[`${method} ${path}`];
  }
}
