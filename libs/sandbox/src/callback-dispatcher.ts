/**
 * Status-change callbacks for tasks created with `callback_url`.
 *
 * Every change to queued, running, succeeded, failed or expired is recorded (cancellation is not, as upstream).
 * Changes are noticed whenever a task is looked at; one shared, unref'd interval looks at the watched tasks
 * while any of them is still in flight, so callbacks come even when nobody polls.
 * When delivery is on, each record is POSTed as JSON (5 s timeout); succeeded and failed are retried up to
 * 3 times until a 2xx answer. Deliveries for one task are made in order.
 */
import type { ArkTaskStatus } from '@arkgate/byteplus';
import { isTerminal, type SandboxTaskRecord, type TaskStore } from './task-store';
import { renderTask } from './task-view';

export interface CallbackRecord {
  taskId: string;
  url: string;
  status: ArkTaskStatus;
  /** The task object as GET would have returned it at that change. */
  body: Record<string, unknown>;
  /** Sandbox clock (ms) when the change was recorded. */
  at: number;
  /** Delivery attempts made (0 when delivery is off). */
  attempts: number;
  /** true once a 2xx answer came; false after giving up; null while pending or when delivery is off. */
  delivered: boolean | null;
  /** HTTP status of the last attempt's answer. */
  responseStatus?: number;
  lastError?: string;
}

export interface CallbackDispatcherOptions {
  deliver: boolean;
  publicUrl: () => string;
  now: () => number;
  intervalMs: number;
  retryDelayMs: number;
  timeoutMs: number;
  /** Records kept (most recent). */
  limit: number;
}

const CALLBACK_STATUSES = new Set<ArkTaskStatus>(['queued', 'running', 'succeeded', 'failed', 'expired']);
const MAX_RETRIES = 3;

export class CallbackDispatcher {
  private entries: CallbackRecord[] = [];
  private readonly watched = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waits = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  private aborter = new AbortController();
  private closed = false;

  constructor(
    private readonly store: TaskStore,
    private readonly opts: CallbackDispatcherOptions,
  ) {
    store.onTransition((task) => this.onTransition(task));
  }

  records(): CallbackRecord[] {
    return this.entries.slice(-this.opts.limit).map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }

  /** Brings every watched task up to date (recording its changes) and stops the timer when none is left. */
  tick(): void {
    for (const id of [...this.watched]) {
      const task = this.store.get(id);
      if (!task || isTerminal(task.status)) this.watched.delete(id);
    }
    if (this.watched.size === 0) this.stopTimer();
  }

  /** Forgets watched tasks and pending deliveries (used by reset). */
  reset(): void {
    this.watched.clear();
    this.stopTimer();
    this.entries = [];
    this.aborter.abort();
    this.aborter = new AbortController();
    this.endWaits();
  }

  /** Stops the timer and abandons deliveries in progress. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopTimer();
    this.watched.clear();
    this.aborter.abort();
    this.endWaits();
    await Promise.allSettled([...this.chains.values()]);
  }

  private onTransition(task: SandboxTaskRecord): void {
    const url = task.params.callbackUrl;
    if (!url || this.closed) return;
    if (!isTerminal(task.status)) this.watch(task.id);
    if (!CALLBACK_STATUSES.has(task.status)) return;
    const record: CallbackRecord = {
      taskId: task.id,
      url,
      status: task.status,
      body: renderTask(task, this.opts.publicUrl()),
      at: this.opts.now(),
      attempts: 0,
      delivered: null,
    };
    this.entries.push(record);
    if (this.entries.length > this.opts.limit * 2) this.entries = this.entries.slice(-this.opts.limit);
    if (this.opts.deliver) this.enqueue(record);
  }

  private watch(id: string): void {
    this.watched.add(id);
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private enqueue(record: CallbackRecord): void {
    const previous = this.chains.get(record.taskId) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(record));
    this.chains.set(record.taskId, next);
    void next.finally(() => {
      if (this.chains.get(record.taskId) === next) this.chains.delete(record.taskId);
    });
  }

  private async deliver(record: CallbackRecord): Promise<void> {
    const attempts = record.status === 'succeeded' || record.status === 'failed' ? 1 + MAX_RETRIES : 1;
    const signal = this.aborter.signal;
    for (let attempt = 1; attempt <= attempts && !signal.aborted; attempt++) {
      if (attempt > 1) await this.wait(this.opts.retryDelayMs);
      if (signal.aborted) break;
      record.attempts = attempt;
      try {
        const response = await fetch(record.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(record.body),
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.opts.timeoutMs)]),
        });
        record.responseStatus = response.status;
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          record.delivered = true;
          record.lastError = undefined;
          return;
        }
        record.lastError = `answered ${response.status}`;
      } catch (error) {
        record.lastError = error instanceof Error ? error.message : String(error);
      }
    }
    record.delivered = false;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.waits.delete(entry);
          resolve();
        }, ms),
        done: resolve,
      };
      this.waits.add(entry);
    });
  }

  private endWaits(): void {
    for (const entry of this.waits) {
      clearTimeout(entry.timer);
      entry.done();
    }
    this.waits.clear();
  }
}
