import { Injectable, Logger, Optional } from '@nestjs/common';
import { ArkDataClient, ArkTask } from '@arkgate/byteplus';
import type { EntityManager } from 'typeorm';
import { BillingService } from '../billing/billing.service';
import { SingleFlight } from '../common/concurrency/single-flight';
import { UnitOfWork } from '../database/unit-of-work';
import { MetricsService } from '../observability/metrics.service';
import { TaskEntity, TaskStatus, TERMINAL_STATUSES } from './task.entity';
import { TaskRepository } from './task.repository';

/**
 * The one path that brings a task record in step with upstream, shared by GET, DELETE and the
 * background sync. Concurrent refreshes of a task in this process share one upstream call; the status
 * change and, for a success, its ledger entry commit in one transaction, and only the call that moved
 * the task out of its unfinished state charges it — so no race, here or on another instance, charges twice.
 */
@Injectable()
export class TaskSyncService {
  private readonly logger = new Logger(TaskSyncService.name);
  private readonly flights = new SingleFlight<TaskEntity>();

  constructor(
    private readonly tasks: TaskRepository,
    private readonly ark: ArkDataClient,
    private readonly uow: UnitOfWork,
    private readonly billing: BillingService,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /** Refreshes a non-terminal task from upstream; terminal ones come back as they are. */
  refresh(row: TaskEntity, opts: { requestId?: string } = {}): Promise<TaskEntity> {
    if (isTerminal(row.status) || !row.taskId) return Promise.resolve(row);
    return this.flights.run(row.id, () => this.doRefresh(row, opts));
  }

  /** Records what upstream reported (and settles a success); returns the row as stored afterwards. */
  apply(row: TaskEntity, upstream: ArkTask, alongside?: (m: EntityManager) => Promise<unknown>): Promise<TaskEntity> {
    const status = upstream.status as TaskStatus;
    const terminal = isTerminal(status);
    const now = Date.now();
    let settled = false;
    let chargedSku: string | undefined;
    const stored = this.uow.transaction(async (m) => {
      const tasks = this.tasks.using(m);
      const changed = await tasks.applyUpstreamState(row.tenantId, row.id, {
        status,
        upstreamTask: upstream,
        updatedAt: now,
        errorCode: upstream.error?.code ?? null,
        resolution: typeof upstream.resolution === 'string' ? upstream.resolution : row.resolution,
        ratio: typeof upstream.ratio === 'string' ? upstream.ratio : row.ratio,
        duration: typeof upstream.duration === 'number' ? upstream.duration : row.duration,
        ...(terminal ? { finishedAt: now, nextSyncAt: null, reservedNano: '0' } : {}),
      });
      settled = changed && terminal;
      if (changed && status === 'succeeded') {
        const tokens = upstream.usage?.completion_tokens;
        if (typeof tokens !== 'number') this.logger.error(`task ${row.taskId} succeeded without usage.completion_tokens; charged 0 tokens`);
        const entry = await this.billing.settle(m, {
          tenantId: row.tenantId,
          taskRef: row.id,
          taskId: row.taskId as string,
          model: row.model,
          hasVideoInput: row.hasVideoInput,
          taskCreatedAt: row.createdAt,
          resolution: typeof upstream.resolution === 'string' ? upstream.resolution : (row.resolution ?? '720p'),
          completionTokens: typeof tokens === 'number' ? tokens : 0,
        });
        chargedSku = entry.sku;
      }
      if (alongside) await alongside(m);
      return (await tasks.reload(row.tenantId, row.id)) ?? row;
    });
    return stored.then((result) => {
      // Counted once committed: settle lag from upstream's own finish time (unix seconds), and the charge's SKU.
      if (settled && typeof upstream.updated_at === 'number') this.metrics?.observeSettled((now - upstream.updated_at * 1000) / 1000);
      if (chargedSku) this.metrics?.observeCharge(chargedSku);
      return result;
    });
  }

  private async doRefresh(row: TaskEntity, opts: { requestId?: string }): Promise<TaskEntity> {
    const upstream = await this.ark.getTask(row.taskId as string, { requestId: opts.requestId });
    if (upstream.status === row.status && !isTerminal(upstream.status) && row.upstreamTask) return row;
    return this.apply(row, upstream);
  }
}

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}
