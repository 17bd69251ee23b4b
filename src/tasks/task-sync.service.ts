import { Injectable, Logger } from '@nestjs/common';
import { ArkDataClient, ArkTask } from '@arkgate/byteplus';
import { TaskEntity, TaskStatus, TERMINAL_STATUSES } from './task.entity';
import { TaskRepository } from './task.repository';

/** How long after a refresh the background sync should look at a still-running task again. */
const NEXT_SYNC_MS = 5000;

/**
 * The one path that brings a task record in step with upstream. GET uses it; concurrent refreshes of
 * the same task in this process share one upstream call.
 */
@Injectable()
export class TaskSyncService {
  private readonly logger = new Logger(TaskSyncService.name);
  private readonly inFlight = new Map<string, Promise<TaskEntity>>();

  constructor(
    private readonly tasks: TaskRepository,
    private readonly ark: ArkDataClient,
  ) {}

  /** Refreshes a non-terminal task from upstream; terminal ones come back as they are. */
  refresh(row: TaskEntity, opts: { requestId?: string } = {}): Promise<TaskEntity> {
    if (isTerminal(row.status) || !row.taskId) return Promise.resolve(row);
    const running = this.inFlight.get(row.id);
    if (running) return running;
    const work = this.doRefresh(row, opts).finally(() => this.inFlight.delete(row.id));
    this.inFlight.set(row.id, work);
    return work;
  }

  /** Records what upstream reported; returns the row as stored afterwards. */
  async apply(row: TaskEntity, upstream: ArkTask): Promise<TaskEntity> {
    const status = upstream.status as TaskStatus;
    const now = Date.now();
    const terminal = isTerminal(status);
    const changed = await this.tasks.applyUpstreamState(row.tenantId, row.id, {
      status,
      upstreamTask: upstream as unknown as Record<string, unknown>,
      updatedAt: now,
      finishedAt: terminal ? now : null,
      nextSyncAt: terminal ? null : now + NEXT_SYNC_MS,
      errorCode: upstream.error?.code ?? null,
      resolution: typeof upstream.resolution === 'string' ? upstream.resolution : row.resolution,
      ratio: typeof upstream.ratio === 'string' ? upstream.ratio : row.ratio,
      duration: typeof upstream.duration === 'number' ? upstream.duration : row.duration,
    });
    if (!changed) this.logger.debug(`task ${row.taskId} was settled elsewhere`);
    return (await this.tasks.reload(row.tenantId, row.id)) ?? row;
  }

  private async doRefresh(row: TaskEntity, opts: { requestId?: string }): Promise<TaskEntity> {
    const upstream = await this.ark.getTask(row.taskId as string, { requestId: opts.requestId });
    return this.apply(row, upstream);
  }
}

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}
