import { Injectable, Logger, Optional } from '@nestjs/common';
import { ArkDataClient, ArkTask } from '@arkgate/byteplus';
import type { EntityManager } from 'typeorm';
import { BillingService, type SettlementInput } from '../billing/billing.service';
import { SingleFlight } from '../common/concurrency/single-flight';
import { UnitOfWork } from '../database/unit-of-work';
import { MetricsService } from '../observability/metrics.service';
import { TaskEntity, TERMINAL_STATUSES } from './task.entity';
import { TaskRepository } from './task.repository';
import { WriteBatcher } from './write-batcher';

/** Most looks of the background sync recorded in one transaction. */
const POLLED_BATCH = 200;
/** Transactions of looks at once on PostgreSQL (each on its own pooled connection; SQLite runs one at a time). */
const POLLED_FLUSHES_PG = 4;

/** A look of the background sync that found a change to record. */
interface PolledChange {
  row: TaskEntity;
  upstream: ArkTask;
}

/** What recording one look did. */
interface Recorded {
  changed: boolean;
  settled: boolean;
  chargedSku?: string;
  patch: Partial<TaskEntity>;
}

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
  private readonly polled: WriteBatcher<PolledChange, TaskEntity>;

  constructor(
    private readonly tasks: TaskRepository,
    private readonly ark: ArkDataClient,
    private readonly uow: UnitOfWork,
    private readonly billing: BillingService,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.polled = new WriteBatcher((items) => this.applyAll(items), POLLED_BATCH, uow.engine === 'postgres' ? POLLED_FLUSHES_PG : 1);
  }

  /** Refreshes a non-terminal task from upstream; terminal ones come back as they are. */
  refresh(row: TaskEntity, opts: { requestId?: string } = {}): Promise<TaskEntity> {
    if (isTerminal(row.status) || !row.taskId) return Promise.resolve(row);
    return this.flights.run(row.id, () => this.doRefresh(row, opts));
  }

  /** Records what upstream reported (and settles a success); returns the row as stored afterwards. */
  apply(row: TaskEntity, upstream: ArkTask, alongside?: (m: EntityManager) => Promise<unknown>): Promise<TaskEntity> {
    const now = Date.now();
    let recorded: Recorded | undefined;
    const stored = this.uow.transaction(async (m) => {
      recorded = await this.record(m, row, upstream, now);
      if (alongside) await alongside(m);
      return (await this.tasks.using(m).reload(row.tenantId, row.id)) ?? row;
    });
    return stored.then((result) => {
      if (recorded) this.observe(recorded, upstream, now);
      return result;
    });
  }

  /**
   * The background sync's refresh: like `refresh` (and sharing its single flight with GET and DELETE), but a change
   * is recorded through the group commit, together with the other looks of the moment, in one transaction.
   */
  refreshPolled(row: TaskEntity): Promise<TaskEntity> {
    if (isTerminal(row.status) || !row.taskId) return Promise.resolve(row);
    return this.flights.run(row.id, () => this.doRefresh(row, {}, true));
  }

  /** The background sync's record of a task it looked up with others (one list call): as `refreshPolled` records its GET. */
  recordPolled(row: TaskEntity, upstream: ArkTask): Promise<TaskEntity> {
    if (isTerminal(row.status) || unchanged(row, upstream)) return Promise.resolve(row);
    return this.applyPolled(row, upstream);
  }

  /** The background sync's `apply`: recorded through the group commit; resolves once committed. */
  applyPolled(row: TaskEntity, upstream: ArkTask): Promise<TaskEntity> {
    return this.polled.add({ row, upstream });
  }

  /**
   * One transaction for many looks, each recorded as `apply` records it (the conditional status change, so only one
   * caller anywhere settles a task; the ledger entry beside it), but set-based: the status changes in a few statements
   * (one per shape of change), the ledger entries of the tasks that moved to succeeded in one INSERT. Rows are given in
   * id order. If the transaction fails, each look is recorded again in a transaction of its own, so one bad look fails
   * alone.
   */
  private async applyAll(items: PolledChange[]): Promise<(TaskEntity | Error)[]> {
    const now = Date.now();
    const patches = items.map(({ row, upstream }) => patchFor(row, upstream, now, true));
    const order = items.map((_, i) => i).sort((a, b) => (items[a].row.id < items[b].row.id ? -1 : items[a].row.id > items[b].row.id ? 1 : 0));
    let recorded: Recorded[];
    try {
      recorded = await this.uow.transaction(async (m) => {
        const changed = await this.tasks
          .using(m)
          .applyUpstreamStates(order.map((i) => ({ tenantId: items[i].row.tenantId, id: items[i].row.id, patch: patches[i] })));
        const charged = order.filter((i) => changed.has(items[i].row.id) && items[i].upstream.status === 'succeeded');
        const entries = await this.billing.settleAll(
          m,
          charged.map((i) => this.settlementOf(items[i].row, items[i].upstream)),
        );
        const skus = new Map(charged.map((i, k) => [i, entries[k].sku]));
        return items.map(({ row }, i): Recorded => {
          const moved = changed.has(row.id);
          return { changed: moved, settled: moved && isTerminal(patches[i].status as string), chargedSku: skus.get(i), patch: patches[i] };
        });
      });
    } catch (err) {
      this.logger.warn(`a batch of ${items.length} sync result(s) failed (${(err as Error).message}); recording each alone`);
      return Promise.all(items.map((it) => this.apply(it.row, it.upstream).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))));
    }
    return Promise.all(
      items.map(async ({ row, upstream }, i) => {
        const r = recorded[i];
        this.observe(r, upstream, now);
        // The row as stored: this batch's change over the row it read; someone else's change is read back.
        if (r.changed) return Object.assign(new TaskEntity(), row, r.patch);
        return (await this.tasks.reload(row.tenantId, row.id)) ?? row;
      }),
    );
  }

  /** Within `m`: moves the row to what upstream reported unless it is already finished, and settles a success. */
  private async record(m: EntityManager, row: TaskEntity, upstream: ArkTask, now: number): Promise<Recorded> {
    const patch = patchFor(row, upstream, now, false);
    const changed = await this.tasks.using(m).applyUpstreamState(row.tenantId, row.id, patch);
    let chargedSku: string | undefined;
    if (changed && upstream.status === 'succeeded') chargedSku = (await this.billing.settle(m, this.settlementOf(row, upstream))).sku;
    return { changed, settled: changed && isTerminal(upstream.status), chargedSku, patch };
  }

  /** What a task that succeeded is charged for: the finished upstream task's resolution and tokens. */
  private settlementOf(row: TaskEntity, upstream: ArkTask): SettlementInput {
    const tokens = upstream.usage?.completion_tokens;
    if (typeof tokens !== 'number') this.logger.error(`task ${row.taskId} succeeded without usage.completion_tokens; charged 0 tokens`);
    return {
      tenantId: row.tenantId,
      taskRef: row.id,
      taskId: row.taskId as string,
      model: row.model,
      hasVideoInput: row.hasVideoInput,
      taskCreatedAt: row.createdAt,
      resolution: typeof upstream.resolution === 'string' ? upstream.resolution : (row.resolution ?? '720p'),
      completionTokens: typeof tokens === 'number' ? tokens : 0,
    };
  }

  /** Counted once committed: settle lag from upstream's own finish time (unix seconds), and the charge's SKU. */
  private observe(r: Recorded, upstream: ArkTask, now: number): void {
    if (r.settled && typeof upstream.updated_at === 'number') this.metrics?.observeSettled((now - upstream.updated_at * 1000) / 1000);
    if (r.chargedSku) this.metrics?.observeCharge(r.chargedSku);
  }

  private async doRefresh(row: TaskEntity, opts: { requestId?: string }, polled = false): Promise<TaskEntity> {
    const upstream = await this.ark.getTask(row.taskId as string, { requestId: opts.requestId });
    if (unchanged(row, upstream)) return row;
    return polled ? this.applyPolled(row, upstream) : this.apply(row, upstream);
  }
}

/** Upstream says what the record already says, and the task is still unfinished: nothing to record. */
function unchanged(row: TaskEntity, upstream: ArkTask): boolean {
  return upstream.status === row.status && !isTerminal(upstream.status) && row.upstreamTask !== null && row.upstreamTask !== undefined;
}

/**
 * The change a look records: what upstream reported, and for a finished task its end (no next look, nothing reserved).
 * With `endLease` (the background sync, which holds the task's lease) a finished task's lease ends in the same change,
 * so a settled task is never seen still leased.
 */
function patchFor(row: TaskEntity, upstream: ArkTask, now: number, endLease: boolean): Partial<TaskEntity> {
  const terminal = isTerminal(upstream.status);
  return {
    status: upstream.status,
    upstreamTask: upstream,
    updatedAt: now,
    errorCode: upstream.error?.code ?? null,
    resolution: typeof upstream.resolution === 'string' ? upstream.resolution : row.resolution,
    ratio: typeof upstream.ratio === 'string' ? upstream.ratio : row.ratio,
    duration: typeof upstream.duration === 'number' ? upstream.duration : row.duration,
    ...(terminal ? { finishedAt: now, nextSyncAt: null, reservedNano: '0' } : {}),
    ...(terminal && endLease ? { leaseOwner: null, leaseUntil: null } : {}),
  };
}

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}
