import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ArkApiError } from '@arkgate/byteplus';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { TaskEntity } from './task.entity';
import { TaskCrossTenantReader } from './task-cross-tenant.reader';
import { isTerminal, TaskSyncService } from './task-sync.service';
import { ShutdownState } from '../common/lifecycle/shutdown-state';
import { RedisConnection } from '../common/redis/redis-connection';
import { ResilientSyncBudget, SyncBudget } from './sync-budget';
import { WriteBatcher } from './write-batcher';

/** A look done: its lease ends, the task due again `delayMs` after the look began (null: never, it is finished). */
interface FinishedLook {
  id: string;
  lookedAt: number;
  attempts: number;
  delayMs: number | null;
}

/** How many refreshes of one instance run at once. */
const CONCURRENCY = 48;
/** Most tasks one round claims. */
const MAX_BATCH = 400;
/** Most leases ended in one transaction. */
const LEASE_BATCH = 500;
/** Upstream forgets tasks after 7 days; default execution_expires_after is 48 h. */
const DEFAULT_EXPIRES_AFTER_S = 172_800;

/**
 * Keeps every queued/running task in step with upstream even if nobody polls it, so billing settles.
 * Each instance leases due tasks (never one another instance holds), refreshes them through the shared
 * path, backs off per task (2, 5, 10, 20, 30 s by default), and stays under the upstream call budget
 * ARKGATE_SYNC_RPS — shared by all instances through Redis when REDIS_URL is set, else per instance.
 * Leases expire, so tasks of a stopped instance are picked up; on shutdown it claims nothing more from the moment
 * draining begins, finishes the round in hand and releases every lease it still holds, so others take over at once.
 */
@Injectable()
export class TaskPollerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskPollerService.name);
  readonly owner = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private timer?: NodeJS.Timeout;
  private current?: Promise<unknown>;
  private stopped = true;
  private readonly budget: SyncBudget;
  private lastGranted = 0;
  private readonly leases = new WriteBatcher<FinishedLook, void>((looks) => this.releaseLeases(looks), LEASE_BATCH);

  constructor(
    private readonly crossTenant: TaskCrossTenantReader,
    private readonly sync: TaskSyncService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly shutdown: ShutdownState,
    redis: RedisConnection,
  ) {
    this.budget = new ResilientSyncBudget(redis, config.sync.ratePerSecond);
    shutdown.onBegin(() => this.stop());
  }

  onApplicationBootstrap(): void {
    if (!this.config.sync.enabled) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Before the database closes: no new round, the current one finished, every lease of this instance released. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stop();
    await this.current?.catch(() => undefined);
    await this.budget.close();
    try {
      const released = await this.crossTenant.releaseSyncLeases(this.owner);
      if (released > 0) this.logger.log(`released ${released} sync lease(s) on shutdown`);
    } catch (err) {
      this.logger.warn(`could not release sync leases on shutdown (they expire by themselves): ${(err as Error).message}`);
    }
  }

  private stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** One round: claim what is due within the budget and refresh it. Returns how many tasks it handled. */
  async runOnce(now = Date.now()): Promise<number> {
    const due = await this.crossTenant.countDueForSync(now);
    if (due === 0) return 0;
    const granted = await this.budget.take(Math.min(due, MAX_BATCH));
    this.lastGranted = granted;
    if (granted <= 0 || this.shutdown.draining) return 0;
    const claimed = await this.crossTenant.claimDueForSync(this.owner, now, now + this.config.sync.leaseMs, granted);
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) await this.syncOne(claimed[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, claimed.length) }, worker));
    return claimed.length;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.runOnce()
        .catch((err) => {
          this.logger.error(`sync round failed: ${(err as Error).message}`);
          return 0;
        })
        .then((handled) => this.schedule(handled > 0 && handled === this.lastGranted ? 0 : this.config.sync.intervalMs));
    }, ms);
  }

  private async syncOne(row: TaskEntity): Promise<void> {
    const lookedAt = Date.now();
    const attempts = row.syncAttempts + 1;
    let delayMs: number | null = this.backoff(attempts);
    try {
      const fresh = await this.sync.refreshPolled(row);
      if (isTerminal(fresh.status)) delayMs = null;
    } catch (err) {
      if (err instanceof ArkApiError && err.status === 404 && this.pastExpiry(row)) {
        // Upstream has forgotten a task that can no longer finish: it expired.
        const fresh = await this.sync.applyPolled(row, { ...(row.upstreamTask ?? {}), id: row.taskId, status: 'expired' } as never);
        if (isTerminal(fresh.status)) delayMs = null;
      } else {
        this.logger.warn(`sync of task ${row.taskId} failed: ${(err as Error).message}`);
      }
    }
    await this.leases.add({ id: row.id, lookedAt, attempts, delayMs });
  }

  /**
   * Ends the leases of many looks at once (one transaction): looks with the same attempt count and back-off step form
   * one group, due again at the group's earliest look + the step, so no task is looked at later than its back-off says.
   */
  private async releaseLeases(looks: FinishedLook[]): Promise<void[]> {
    const groups = new Map<string, { ids: string[]; nextSyncAt: number | null; attempts: number }>();
    for (const look of looks) {
      const key = `${look.attempts}:${look.delayMs}`;
      const next = look.delayMs === null ? null : look.lookedAt + look.delayMs;
      const group = groups.get(key);
      if (!group) groups.set(key, { ids: [look.id], nextSyncAt: next, attempts: look.attempts });
      else {
        group.ids.push(look.id);
        if (next !== null && group.nextSyncAt !== null) group.nextSyncAt = Math.min(group.nextSyncAt, next);
      }
    }
    await this.crossTenant.releaseSyncLeasesOf(this.owner, [...groups.values()]);
    return looks.map(() => undefined);
  }

  private backoff(attempts: number): number {
    const steps = this.config.sync.backoffMs;
    return steps[Math.min(attempts, steps.length) - 1];
  }

  private pastExpiry(row: TaskEntity): boolean {
    const seconds = Number(row.upstreamRequest.execution_expires_after ?? DEFAULT_EXPIRES_AFTER_S);
    return Date.now() > row.createdAt + seconds * 1000;
  }
}
