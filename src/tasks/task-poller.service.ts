import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ArkApiError, ArkDataClient, ArkTask, ArkUnavailableError } from '@arkgate/byteplus';
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

/** How many upstream look-ups of one instance run at once (a look-up: one list call, or one GET). */
const CONCURRENCY = 48;
/** Most tasks one round claims. */
const MAX_BATCH = 400;
/**
 * Rounds of one instance under way at once while a backlog is due: the next round claims while the rounds before it
 * wait for upstream and record what they found, so a claim, the look-ups and the group commits overlap instead of
 * queueing one behind the other. Claims stay one at a time.
 */
const ROUNDS_AT_ONCE = 3;
/**
 * Most tasks looked up by one upstream call: a list with `filter.task_ids` (upstream's page_size allows 500; 50 ids
 * keep the URL near 2 KB, which every proxy on the way accepts).
 */
const LOOKUP_IDS = 50;
/** Most leases ended in one transaction. */
const LEASE_BATCH = 500;
/** Upstream forgets tasks after 7 days; default execution_expires_after is 48 h. */
const DEFAULT_EXPIRES_AFTER_S = 172_800;

/**
 * Keeps every queued/running task in step with upstream even if nobody polls it, so billing settles.
 * Each instance leases due tasks (never one another instance holds), looks them up upstream up to 50 at a time (one
 * list call with `filter.task_ids`; a task the list does not return is asked for alone, so a task upstream has
 * forgotten is found expired), records what changed through the shared path, backs off per task (2, 5, 10, 20, 30 s
 * by default), and stays under the upstream call budget ARKGATE_SYNC_RPS (in calls, whatever each carries) — shared
 * by all instances through Redis when REDIS_URL is set, else per instance.
 * While a backlog is due, up to ROUNDS_AT_ONCE rounds overlap (one claiming, the others waiting for upstream or
 * recording). Leases expire, so tasks of a stopped instance are picked up; on shutdown it claims nothing more from the
 * moment draining begins, finishes the rounds in hand and releases every lease it still holds, so others take over at
 * once.
 */
@Injectable()
export class TaskPollerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskPollerService.name);
  readonly owner = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private timer?: NodeJS.Timeout;
  /** Rounds under way: each settles once its looks are recorded and their leases ended, and it has left this set. */
  private readonly rounds = new Set<Promise<void>>();
  /** A round is claiming: the next may claim only after it. */
  private claiming = false;
  private stopped = true;
  private readonly budget: SyncBudget;
  /** The last claim left due tasks unclaimed: the next round starts at once. */
  private moreDue = false;
  private readonly leases = new WriteBatcher<FinishedLook, void>((looks) => this.releaseLeases(looks), LEASE_BATCH);

  constructor(
    private readonly crossTenant: TaskCrossTenantReader,
    private readonly sync: TaskSyncService,
    private readonly ark: ArkDataClient,
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

  /** Before the database closes: no new round, the rounds under way finished, every lease of this instance released. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stop();
    while (this.rounds.size > 0) await Promise.all([...this.rounds]);
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

  /** One round: claim what is due within the budget and look it up. Returns how many tasks it handled. */
  async runOnce(now = Date.now()): Promise<number> {
    const { count, looked } = await this.claimRound(now);
    await looked;
    return count;
  }

  /**
   * A round's claim: what is due within the budget, leased to this instance. Resolves once the tasks are claimed, with
   * `looked`, which resolves once each is looked up and recorded and its lease has ended.
   */
  private async claimRound(now: number): Promise<{ count: number; looked: Promise<void> }> {
    this.moreDue = false;
    const due = await this.crossTenant.countDueForSync(now);
    if (due === 0) return { count: 0, looked: Promise.resolve() };
    const wanted = Math.min(due, MAX_BATCH);
    const granted = await this.budget.take(Math.ceil(wanted / LOOKUP_IDS));
    if (granted <= 0 || this.shutdown.draining) return { count: 0, looked: Promise.resolve() };
    const claimed = await this.crossTenant.claimDueForSync(this.owner, now, now + this.config.sync.leaseMs, Math.min(wanted, granted * LOOKUP_IDS));
    this.moreDue = claimed.length > 0 && due > claimed.length;
    // As many calls as 50 ids need, the ids spread evenly over them (101 tasks: 34 + 34 + 33, not 50 + 50 + 1).
    const calls = Math.ceil(claimed.length / LOOKUP_IDS);
    const lookups = Array.from({ length: calls }, (_, i) =>
      claimed.slice(Math.floor((i * claimed.length) / calls), Math.floor(((i + 1) * claimed.length) / calls)),
    );
    let next = 0;
    const worker = async () => {
      while (next < lookups.length) await this.lookUp(lookups[next++]);
    };
    const looked = Promise.all(Array.from({ length: Math.min(CONCURRENCY, lookups.length) }, worker)).then(() => undefined);
    return { count: claimed.length, looked };
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startRound();
    }, ms);
  }

  /**
   * Starts a round. Once it has claimed, another starts at once if more is due and fewer than ROUNDS_AT_ONCE are under
   * way; when a round finishes and none is claiming, the next starts at once if more is due, else (the last one
   * finished) after the interval.
   */
  private startRound(): void {
    if (this.stopped || this.claiming) return;
    this.claiming = true;
    const round = (async () => {
      let looked: Promise<void>;
      try {
        ({ looked } = await this.claimRound(Date.now()));
      } finally {
        this.claiming = false;
      }
      if (this.moreDue && this.rounds.size < ROUNDS_AT_ONCE) this.startRound();
      await looked;
    })();
    const finished: Promise<void> = round
      .catch((err: unknown) => this.logger.error(`sync round failed: ${(err as Error).message}`))
      .then(() => {
        this.rounds.delete(finished);
        if (this.stopped || this.claiming || this.timer) return;
        if (this.moreDue) this.startRound();
        else if (this.rounds.size === 0) this.schedule(this.config.sync.intervalMs);
      });
    this.rounds.add(finished);
  }

  /**
   * Looks up several tasks with one list call and records each; a task the answer does not carry (upstream lists only
   * its last 7 days) is asked for alone, within the budget. If upstream refuses the list (4xx) or answers it in a shape
   * this client does not accept, each task is asked for alone, so one bad task does not hold back the others; if it is
   * unavailable, every look failed and backs off. Tasks with nothing to ask upstream (no upstream id yet, or finished)
   * are looked at as before, which calls nobody.
   */
  private async lookUp(rows: TaskEntity[]): Promise<void> {
    const asked = rows.filter((r) => r.taskId && !isTerminal(r.status));
    const unasked = rows.filter((r) => !asked.includes(r));
    await Promise.all([...unasked.map((row) => this.syncOne(row)), this.lookUpstream(asked)]);
  }

  private async lookUpstream(rows: TaskEntity[]): Promise<void> {
    if (rows.length < 2) {
      await Promise.all(rows.map((row) => this.syncOne(row)));
      return;
    }
    const lookedAt = Date.now();
    let found: Map<string, ArkTask>;
    try {
      const ids = rows.map((r) => r.taskId as string);
      const { items } = await this.ark.listTasks({ task_ids: ids, page_num: 1, page_size: ids.length });
      found = new Map(items.map((task) => [task.id, task]));
    } catch (err) {
      const refused = (err instanceof ArkApiError && err.status !== 429) || (err instanceof ArkUnavailableError && err.reason === 'bad_response');
      this.logger.warn(`sync look-up of ${rows.length} tasks failed: ${(err as Error).message}${refused ? '; asking for each alone' : ''}`);
      await (refused ? this.alone(rows) : Promise.all(rows.map((row) => this.lookFailed(row, lookedAt))));
      return;
    }
    const answered = rows.filter((row) => found.has(row.taskId as string));
    await Promise.all([
      ...answered.map((row) => this.syncOne(row, found.get(row.taskId as string), lookedAt)),
      this.alone(rows.filter((row) => !found.has(row.taskId as string))),
    ]);
  }

  /** Asks for each task alone, as far as the budget allows now; the rest are looked at again after their back-off. */
  private async alone(rows: TaskEntity[]): Promise<void> {
    if (rows.length === 0) return;
    const granted = await this.budget.take(rows.length);
    const lookedAt = Date.now();
    await Promise.all(rows.map((row, i) => (i < granted ? this.syncOne(row) : this.lookFailed(row, lookedAt))));
  }

  /** A look that learnt nothing: the lease ends, the task due again after its back-off. */
  private lookFailed(row: TaskEntity, lookedAt: number): Promise<void> {
    const attempts = row.syncAttempts + 1;
    return this.leases.add({ id: row.id, lookedAt, attempts, delayMs: this.backoff(attempts) });
  }

  /** One task's look: `upstream` when a list already answered for it, else its own GET. */
  private async syncOne(row: TaskEntity, upstream?: ArkTask, lookedAt = Date.now()): Promise<void> {
    const attempts = row.syncAttempts + 1;
    let delayMs: number | null = this.backoff(attempts);
    try {
      const fresh = upstream ? await this.sync.recordPolled(row, upstream) : await this.sync.refreshPolled(row);
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
