/** The `/v1/videos` facade over the native tasks: ids, shapes and streamed content (docs/contract.md §11). */
import { Injectable, Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ArkApiError } from '@arkgate/byteplus';
import { DomainError } from '../common/errors/domain-error';
import { ERROR_CODES } from '../common/errors/error-codes';
import type { RequestContext } from '../common/http/request-context';
import { isUniqueViolation } from '../database/unique-violation';
import { TaskCreation } from '../tasks/task-creation.service';
import { TasksService } from '../tasks/tasks.service';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { parseListVideosQuery } from './dto/list-videos.query';
import { parseContentVariant } from './dto/video-content.query';
import { ResultFileClient } from './result-file.client';
import { inFacadeTerms, videoNotFound } from './facade-errors';
import type { VideoCreateRequest } from './video-create.pipe';
import type { VideoCreate } from './video-request';
import { presentVideo, type VideoObject } from './video.presenter';
import type { VideoEntity } from './video.entity';
import { VideoRepository } from './video.repository';

export interface VideoList {
  object: 'list';
  data: VideoObject[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/** What `GET /v1/videos/{id}/content` answers: status, headers and the bytes, still streaming from upstream. */
export interface VideoContent {
  status: 200 | 206 | 416;
  contentType: string;
  length?: number;
  headers: Record<string, string>;
  stream: Readable;
}

/** A video whose upstream task id is known. */
type BoundVideo = VideoEntity & { taskId: string };

/**
 * The OpenAI Videos facade of one tenant. A video IS a native task: every create goes through the native
 * create (entitlements, media policy, spend limit, Idempotency-Key, audit, billing), every read and delete
 * through the native get/list/delete; this service only keeps the `video_…` id and translates the shapes.
 *
 * No window where a task has no video (docs/contract.md §9): the video row is reserved before the native create, bound to the
 * task record's own id (`record_id`, given to the native create). Its upstream task id is written after the create;
 * when that write is lost (a crash, a failing database), reads find the task through the record and write it then.
 */
@Injectable()
export class VideosService {
  private readonly logger = new Logger(VideosService.name);

  constructor(
    private readonly tasks: TasksService,
    private readonly creation: TaskCreation,
    private readonly videos: VideoRepository,
    private readonly files: ResultFileClient,
  ) {}

  async create(tenant: TenantContext, { video: request, native }: VideoCreateRequest, ctx: RequestContext): Promise<VideoObject> {
    const reserved = await this.videos.insert(tenant.id, {
      id: `video_${randomBytes(16).toString('hex')}`,
      taskId: null,
      recordId: randomUUID(),
      prompt: request.prompt,
      size: request.size,
      seconds: request.seconds,
      createdAt: Date.now(),
      deletedAt: null,
    });
    const recordId = reserved.recordId as string;
    let taskId: string;
    try {
      ({ id: taskId } = await inFacadeTerms(this.creation.create(tenant, native, ctx, recordId)));
    } catch (err) {
      // Refused: no task was made for this reservation. Otherwise (outcome unknown, 5xx) it stays bound to its record
      // and the video appears once reconciliation finds the task.
      if (isRefusal(err)) await this.dropReservation(tenant, reserved, ctx);
      throw err;
    }
    if ((await this.tasks.upstreamIdOfRecord(tenant, recordId)) === taskId) {
      const row = await this.bind(tenant, reserved, taskId, ctx);
      return presentVideo(row, { status: 'queued', model: request.model, duration: request.seconds });
    }
    // A replayed create (same Idempotency-Key) finds the first video and shows its current state.
    await this.dropReservation(tenant, reserved, ctx);
    return this.present(tenant, await this.videoOfTask(tenant, taskId, request, ctx), ctx);
  }

  async retrieve(tenant: TenantContext, id: string, ctx: RequestContext): Promise<VideoObject> {
    return this.present(tenant, await this.liveOrThrow(tenant, id, ctx), ctx);
  }

  async list(tenant: TenantContext, query: Record<string, unknown>, ctx: RequestContext): Promise<VideoList> {
    const { limit, order, afterId } = parseListVideosQuery(query);
    const after = afterId === undefined ? null : await this.videos.findAny(tenant.id, afterId);
    if (afterId !== undefined && !after) throw new DomainError('invalid_request', `after: no video \`${afterId}\` in this account.`, 'after');

    const rows = await this.videos.pageAfter(tenant.id, after, order, limit + 1);
    const page = rows.slice(0, limit);
    // A reservation whose create has no task yet (in flight, unknown, refused) is not a video yet.
    const bound = (await Promise.all(page.map((r) => this.boundOrNull(tenant, r, ctx)))).filter((r): r is BoundVideo => r !== null);
    const tasks =
      bound.length === 0
        ? []
        : (await this.tasks.list(tenant, { 'filter.task_ids': bound.map((r) => r.taskId).join(','), page_size: String(bound.length) })).items;
    const byTask = new Map(tasks.map((t) => [t.id, t]));
    // A task hidden through the native DELETE is gone from the facade too.
    const data = bound.filter((r) => byTask.has(r.taskId)).map((r) => presentVideo(r, byTask.get(r.taskId) as Record<string, unknown>));
    return { object: 'list', data, first_id: page[0]?.id ?? null, last_id: page[page.length - 1]?.id ?? null, has_more: rows.length > limit };
  }

  /** Queued → cancelled upstream; in progress → 409; finished → hidden. The video is then gone from the facade. */
  async delete(tenant: TenantContext, id: string, ctx: RequestContext): Promise<{ id: string; object: 'video.deleted'; deleted: true }> {
    const row = await this.liveOrThrow(tenant, id, ctx);
    await inFacadeTerms(this.tasks.delete(tenant, row.taskId, ctx), id);
    await this.videos.markDeleted(tenant.id, row.id);
    return { id: row.id, object: 'video.deleted', deleted: true };
  }

  /** The video (or its last frame as thumbnail), streamed from the upstream result URL; 404 until completed. */
  async content(tenant: TenantContext, id: string, query: Record<string, unknown>, range: string | undefined, ctx: RequestContext): Promise<VideoContent> {
    const variant = parseContentVariant(query);
    const row = await this.liveOrThrow(tenant, id, ctx);
    const task = await inFacadeTerms(this.tasks.get(tenant, row.taskId, ctx), id);
    if (task.status !== 'succeeded') {
      const status = presentVideo(row, task).status;
      throw new DomainError(
        'video_content_unavailable',
        `Video \`${id}\` has no content to download: its status is ${status}. Download it once the status is completed.`,
        'video_id',
      );
    }
    const content = (task.content ?? {}) as Record<string, unknown>;
    const url = variant === 'video' ? content.video_url : content.last_frame_url;
    if (typeof url !== 'string') {
      throw new DomainError(
        'video_content_unavailable',
        `Video \`${id}\` has no ${variant}${variant === 'thumbnail' ? ' (it was created with return_last_frame=false)' : ''}.`,
        'variant',
      );
    }
    const file = await this.files.open(url, range, ctx.requestId);
    const headers: Record<string, string> = { 'Accept-Ranges': 'bytes' };
    if (file.contentRange) headers['Content-Range'] = file.contentRange;
    return { status: file.status, contentType: variant === 'video' ? 'video/mp4' : 'image/png', length: file.length, headers, stream: file.stream };
  }

  /** Sora-only operations: refused before anything else happens. */
  unsupported(operation: string): never {
    throw new DomainError(
      'unsupported_operation',
      `${operation} is a Sora-only operation and is not offered for Seedance. Supported: create, retrieve, list, delete, download content.`,
    );
  }

  private async present(tenant: TenantContext, row: BoundVideo, ctx: RequestContext): Promise<VideoObject> {
    return presentVideo(row, await inFacadeTerms(this.tasks.get(tenant, row.taskId, ctx), row.id));
  }

  private async liveOrThrow(tenant: TenantContext, id: string, ctx: RequestContext): Promise<BoundVideo> {
    const row = await this.videos.findLive(tenant.id, id);
    const bound = row ? await this.boundOrNull(tenant, row, ctx) : null;
    if (!bound) throw videoNotFound(id);
    return bound;
  }

  /** The video with its task id: written already, or found through its task record (and written now). */
  private async boundOrNull(tenant: TenantContext, row: VideoEntity, ctx: RequestContext): Promise<BoundVideo | null> {
    if (row.taskId !== null) return row as BoundVideo;
    const taskId = row.recordId ? await this.tasks.upstreamIdOfRecord(tenant, row.recordId) : null;
    return taskId ? this.bind(tenant, row, taskId, ctx) : null;
  }

  /** Writes the video's task id. When the write fails the video is still found through its record on every read. */
  private async bind(tenant: TenantContext, row: VideoEntity, taskId: string, ctx: RequestContext): Promise<BoundVideo> {
    try {
      await this.videos.bindTask(tenant.id, row.id, taskId);
    } catch (err) {
      this.logger.warn(`[${ctx.requestId}] writing task ${taskId} of video ${row.id} failed; it is found through its task record: ${(err as Error).message}`);
    }
    return { ...row, taskId };
  }

  private async dropReservation(tenant: TenantContext, row: VideoEntity, ctx: RequestContext): Promise<void> {
    await this.videos
      .deleteReserved(tenant.id, row.id)
      .catch((err: Error) => this.logger.warn(`[${ctx.requestId}] dropping the reservation of video ${row.id} failed: ${err.message}`));
  }

  /**
   * The video of a task another create made (a replay with the same Idempotency-Key): its row by task id, else the
   * row reserved for its record, else (a task made before videos were reserved, its row lost) a new row.
   */
  private async videoOfTask(tenant: TenantContext, taskId: string, request: VideoCreate, ctx: RequestContext): Promise<BoundVideo> {
    const existing = await this.videos.findByTask(tenant.id, taskId);
    if (existing) return existing as BoundVideo;
    const recordId = await this.tasks.recordIdOfTask(tenant, taskId);
    const reserved = recordId ? await this.videos.findByRecord(tenant.id, recordId) : null;
    if (reserved) return this.bind(tenant, reserved, taskId, ctx);
    const draft: Omit<VideoEntity, 'tenantId'> = {
      id: `video_${randomBytes(16).toString('hex')}`,
      taskId,
      recordId,
      prompt: request.prompt,
      size: request.size,
      seconds: request.seconds,
      createdAt: Date.now(),
      deletedAt: null,
    };
    try {
      return (await this.videos.insert(tenant.id, draft)) as BoundVideo;
    } catch (err) {
      const raced = isUniqueViolation(err) ? await this.videos.findByTask(tenant.id, taskId) : null;
      if (!raced) throw err;
      return raced as BoundVideo;
    }
  }
}

/** A 4xx: from arkgate's own checks or from upstream (which then made no task). */
function isRefusal(err: unknown): boolean {
  if (err instanceof DomainError) return ERROR_CODES[err.key].status < 500;
  return err instanceof ArkApiError && err.status < 500;
}
