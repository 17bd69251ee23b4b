import type { TenantId } from '../common/tenant-identity/tenant-id';

/**
 * How long a finished task, as its tenant sees it, is answered from memory: the time a hide (DELETE) made on another
 * instance may go unseen here, the same window as a revoked token's (AUTH_CACHE_MS).
 */
export const FINISHED_TASK_CACHE_MS = 2000;
/** At most this many tasks are held (about 1–2 KB each); the oldest entry gives way to a new one. */
export const FINISHED_TASK_CACHE_MAX = 10_000;

interface Entry {
  task: Readonly<Record<string, unknown>>;
  until: number;
}

/**
 * Finished tasks (succeeded, failed, expired, cancelled) never change again but for a hide, so a GET of one need not
 * read the database each time. Keyed by tenant and task id: one tenant's entry is never another's answer. A hide on
 * this instance forgets the task at once (`forget`, after its commit); a read that began before it is then not kept, so
 * it cannot bring back what it read before the hide. On other instances the entry ends within FINISHED_TASK_CACHE_MS.
 * Provided by TasksModule's factory (its constructor takes the window and bound, for the unit tests).
 */
export class FinishedTaskCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every `forget`: a read that began under an older value is not kept. */
  private generation = 0;

  constructor(
    private readonly windowMs: number = FINISHED_TASK_CACHE_MS,
    private readonly max: number = FINISHED_TASK_CACHE_MAX,
    private readonly now: () => number = Date.now,
  ) {}

  /** The task as last presented, if it is held and its window has not ended. */
  get(tenantId: TenantId, taskId: string): Readonly<Record<string, unknown>> | undefined {
    const key = keyOf(tenantId, taskId);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.task;
    this.entries.delete(key);
    return undefined;
  }

  /** What a read must hand back to `put`: the generation it began under. */
  readStarted(): number {
    return this.generation;
  }

  /** Holds a finished task read at `startedAt` (from `readStarted`), unless a hide on this instance came in between. */
  put(tenantId: TenantId, taskId: string, task: Readonly<Record<string, unknown>>, startedAt: number): void {
    if (startedAt !== this.generation) return;
    const key = keyOf(tenantId, taskId);
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { task, until: this.now() + this.windowMs });
  }

  /** The task was hidden on this instance (call after the change committed). */
  forget(tenantId: TenantId, taskId: string): void {
    this.generation++;
    this.entries.delete(keyOf(tenantId, taskId));
  }
}

/** Tenant ids are UUIDs, so the first space ends them whatever the task id holds. */
function keyOf(tenantId: TenantId, taskId: string): string {
  return `${tenantId} ${taskId}`;
}
