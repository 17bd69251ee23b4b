/** `/api/v3/contents/generations/tasks`: create, get, list and delete, behaving like the BytePlus data plane. */
import { randomBytes } from 'node:crypto';
import { ARK_TASK_STATUSES } from '@arkgate/byteplus';
import { validateCreateTask } from './create-task-validator';
import { arkError, decodeSegment, json, type SandboxReply, type SandboxRequest, type SandboxRoute, type SandboxSurface } from './sandbox-http';
import type { AssetStore } from './asset-store';
import type { TaskStore } from './task-store';
import { renderTask } from './task-view';

export interface DataPlaneOptions {
  apiKey: string;
  extraModels: readonly string[];
  maxQueued: number;
  /** Base of result URLs, read per request because it is known only once the port is bound. */
  publicUrl: () => string;
}

const PREFIX = '/api/v3';
const TASKS = `${PREFIX}/contents/generations/tasks`;
const TASK = new RegExp(`^${TASKS}/([^/]+)/?$`);

export class DataPlaneSurface implements SandboxSurface {
  constructor(
    private readonly store: TaskStore,
    private readonly assets: AssetStore,
    private readonly opts: DataPlaneOptions,
  ) {}

  route(req: SandboxRequest): SandboxRoute | null {
    if (req.path !== PREFIX && !req.path.startsWith(`${PREFIX}/`)) return null;
    const { op, serve } = this.pick(req);
    return {
      op,
      handle: () => {
        const requestId = randomBytes(12).toString('hex');
        const reply = this.authorized(req) ? serve() : arkError(401, 'AuthenticationError', 'The API key in the request is missing or invalid.');
        reply.headers = { ...reply.headers, 'X-Request-Id': requestId };
        const clientRequestId = req.headers['x-client-request-id'];
        if (typeof clientRequestId === 'string') reply.headers['X-Client-Request-Id'] = clientRequestId;
        return reply;
      },
    };
  }

  private pick(req: SandboxRequest): { op: string; serve: () => SandboxReply } {
    const path = req.path.replace(/\/+$/, '');
    if (path === TASKS) {
      if (req.method === 'POST') return { op: 'create', serve: () => this.create(req) };
      if (req.method === 'GET') return { op: 'list', serve: () => this.list(req.query) };
    }
    const match = TASK.exec(req.path);
    if (match) {
      const id = decodeSegment(match[1]);
      if (req.method === 'GET') return { op: 'get', serve: () => this.get(id) };
      if (req.method === 'DELETE') return { op: 'delete', serve: () => this.delete(id) };
    }
    return { op: 'unknown', serve: () => arkError(404, 'NotFound', `The requested resource ${req.method} ${req.path} does not exist.`) };
  }

  private authorized(req: SandboxRequest): boolean {
    const header = req.headers.authorization;
    if (typeof header !== 'string') return false;
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match !== null && match[1] === this.opts.apiKey;
  }

  private create(req: SandboxRequest): SandboxReply {
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      return arkError(400, 'InvalidParameter', 'The request body is not valid JSON.', 'body');
    }
    const check = validateCreateTask(body, {
      extraModels: this.opts.extraModels,
      assetLookup: (id) => {
        const asset = this.assets.visibleAsset(id);
        return asset && { type: asset.assetType, status: asset.status };
      },
    });
    if (!check.ok) {
      const { status, code, message, param } = check.refusal;
      return arkError(status, code, message, param);
    }
    if (Number.isFinite(this.opts.maxQueued) && this.store.queuedCount() >= this.opts.maxQueued) {
      return arkError(
        429,
        'QuotaExceeded',
        `The number of queued tasks has reached the limit of ${this.opts.maxQueued} for this account. Try again after some tasks have started.`,
      );
    }
    const task = this.store.create(check.params);
    const answer: Record<string, unknown> = { id: task.id };
    if (check.params.safetyIdentifier !== undefined) answer.safety_identifier = check.params.safetyIdentifier;
    return json(answer);
  }

  private get(id: string): SandboxReply {
    const task = this.store.get(id);
    if (!task) return notFound(id);
    return json(renderTask(task, this.opts.publicUrl()));
  }

  private list(query: URLSearchParams): SandboxReply {
    const pageNum = integerParam(query, 'page_num', 1);
    if (typeof pageNum !== 'number') return pageNum;
    const pageSize = integerParam(query, 'page_size', 20);
    if (typeof pageSize !== 'number') return pageSize;
    const status = query.get('filter.status');
    if (status !== null && !(ARK_TASK_STATUSES as readonly string[]).includes(status)) {
      return invalidParam('filter.status', `must be one of ${ARK_TASK_STATUSES.join(', ')}`);
    }
    const tier = query.get('filter.service_tier');
    if (tier !== null && tier !== 'default' && tier !== 'flex') return invalidParam('filter.service_tier', 'must be default or flex');
    const model = query.get('filter.model');
    const idParams = query.getAll('filter.task_ids');
    const ids =
      idParams.length > 0
        ? new Set(
            idParams
              .flatMap((value) => value.split(','))
              .map((id) => id.trim())
              .filter(Boolean),
          )
        : null;

    // With ids only those records are read: a sync looking up 50 tasks among tens of thousands does not walk them all.
    const candidates = ids === null ? this.store.list() : this.store.getMany(ids);
    const matching = candidates.filter(
      (task) =>
        (status === null || task.status === status) &&
        (tier === null || task.params.serviceTier === tier) &&
        (model === null || task.params.model === model) &&
        (ids === null || ids.has(task.id)),
    );
    const start = (pageNum - 1) * pageSize;
    const publicUrl = this.opts.publicUrl();
    return json({ total: matching.length, items: matching.slice(start, start + pageSize).map((task) => renderTask(task, publicUrl)) });
  }

  private delete(id: string): SandboxReply {
    const task = this.store.get(id);
    if (!task) return notFound(id);
    switch (task.status) {
      case 'queued':
        this.store.cancel(id);
        return json({});
      case 'running':
        return arkError(409, 'InvalidAction.RunningTaskDeletion', `Cannot delete task \`${id}\` because it is currently running.`);
      case 'cancelled':
        return arkError(409, 'InvalidAction', `Cannot delete task \`${id}\` because it has been cancelled.`);
      default:
        this.store.remove(id);
        return json({});
    }
  }
}

function notFound(id: string): SandboxReply {
  return arkError(404, 'ResourceNotFound', `The specified task \`${id}\` is not found.`);
}

function invalidParam(param: string, reason: string): SandboxReply {
  return arkError(400, 'InvalidParameter', `The parameter \`${param}\` specified in the request is not valid: ${reason}.`, param);
}

function integerParam(query: URLSearchParams, name: string, fallback: number): number | SandboxReply {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= 500)) return invalidParam(name, 'must be an integer between 1 and 500');
  return value;
}
