/**
 * In-memory generation tasks with a lazily computed lifecycle.
 *
 * No task owns a timer: a task's status is brought up to date from timestamps whenever it is looked at
 * (`settle`). A task stays `queued` for `clock.queuedMs` from creation, then `running` for `clock.runningMs`,
 * then ends `succeeded` (or `failed` when its outcome was set so). If `execution_expires_after` seconds from
 * creation pass before it ends, it ends `expired` at that moment instead. Phase lengths are read when a
 * transition is computed, so `setClock` also speeds up or slows down tasks already in flight.
 *
 * Holds freeze progression through a phase but not expiry. Records are forgotten lazily: cancelled ones
 * 24 h after cancellation, all of them 7 days after creation.
 */
import { randomInt } from 'node:crypto';
import type { ArkTaskError, ArkTaskStatus } from '@arkgate/byteplus';
import type { CreateTaskParams } from './create-task-validator';
import type { SandboxClock } from './sandbox-clock';

export type HoldStatus = 'queued' | 'running';
export type ForcedOutcome = 'succeeded' | 'failed' | 'expired';

export interface SandboxTaskRecord {
  id: string;
  createdAtMs: number;
  status: ArkTaskStatus;
  /** Time of the last status change. */
  updatedAtMs: number;
  /** Start of the current phase for progression (moved by `release`). */
  phaseAnchorMs: number;
  hold: HoldStatus | null;
  /** How the task ends after running, unless it expires first. */
  outcome: { status: 'succeeded' } | { status: 'failed'; error: ArkTaskError };
  error: ArkTaskError | null;
  cancelledAtMs?: number;
  params: CreateTaskParams;
}

export type TransitionListener = (task: SandboxTaskRecord) => void;

export class SandboxControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const RETENTION_MS = 7 * 24 * 3600 * 1000;
export const CANCELLED_RETENTION_MS = 24 * 3600 * 1000;
export const DEFAULT_FAILURE: ArkTaskError = Object.freeze({
  code: 'OutputVideoSensitiveContentDetected',
  message: 'The request failed because the output video may contain sensitive information.',
});

const TERMINAL = new Set<ArkTaskStatus>(['succeeded', 'failed', 'expired', 'cancelled']);
const SWEEP_EVERY_CREATES = 1000;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function isTerminal(status: ArkTaskStatus): boolean {
  return TERMINAL.has(status);
}

export class TaskStore {
  private readonly tasks = new Map<string, SandboxTaskRecord>();
  /** Each record's place in `tasks` (insertion order), so a few records can be put in list order without a walk. */
  private readonly places = new Map<string, number>();
  private nextPlace = 0;
  /** Ids of tasks not yet terminal, so that counting queued tasks need not scan finished ones. */
  private readonly active = new Set<string>();
  private readonly listeners: TransitionListener[] = [];
  private nextFailure: ArkTaskError | null = null;
  private holdForNew: HoldStatus | null = null;
  private createsSinceSweep = 0;

  constructor(private readonly clock: SandboxClock) {}

  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  get size(): number {
    return this.tasks.size;
  }

  create(params: CreateTaskParams): SandboxTaskRecord {
    const now = this.clock.now();
    if (++this.createsSinceSweep >= SWEEP_EVERY_CREATES) this.sweep();
    const task: SandboxTaskRecord = {
      id: this.newId(now),
      createdAtMs: now,
      status: 'queued',
      updatedAtMs: now,
      phaseAnchorMs: now,
      hold: this.holdForNew,
      outcome: this.nextFailure ? { status: 'failed', error: this.nextFailure } : { status: 'succeeded' },
      error: null,
      params,
    };
    this.nextFailure = null;
    this.tasks.set(task.id, task);
    this.places.set(task.id, this.nextPlace++);
    this.active.add(task.id);
    this.emit(task);
    return task;
  }

  /** The task brought up to date, or undefined when unknown or forgotten. */
  get(id: string): SandboxTaskRecord | undefined {
    const task = this.tasks.get(id);
    if (!task) return undefined;
    const now = this.clock.now();
    if (!this.isRetained(task, now)) {
      this.forget(task.id);
      return undefined;
    }
    this.settle(task, now);
    return task;
  }

  /** Every retained task, up to date, newest first. */
  list(): SandboxTaskRecord[] {
    const now = this.clock.now();
    const out: SandboxTaskRecord[] = [];
    for (const task of this.tasks.values()) {
      if (!this.isRetained(task, now)) {
        this.forget(task.id);
        continue;
      }
      this.settle(task, now);
      out.push(task);
    }
    return out.reverse();
  }

  /** The records of these ids that exist, in `list()` order (newest first), reading only them. */
  getMany(ids: Iterable<string>): SandboxTaskRecord[] {
    const out: SandboxTaskRecord[] = [];
    for (const id of ids) {
      const task = this.get(id);
      if (task) out.push(task);
    }
    return out.sort((a, b) => (this.places.get(b.id) ?? 0) - (this.places.get(a.id) ?? 0));
  }

  queuedCount(): number {
    const now = this.clock.now();
    let count = 0;
    for (const id of [...this.active]) {
      const task = this.tasks.get(id);
      if (!task) continue;
      this.settle(task, now);
      if (task.status === 'queued') count += 1;
    }
    return count;
  }

  /** Removes a record (DELETE of a finished task). */
  remove(id: string): boolean {
    return this.forget(id);
  }

  /** Cancels a queued task; the caller checks the status first. */
  cancel(id: string): SandboxTaskRecord {
    const task = this.require(id);
    if (task.status !== 'queued') throw new SandboxControlError(409, `Task ${id} is ${task.status}, not queued`);
    const now = this.clock.now();
    task.cancelledAtMs = now;
    this.transition(task, 'cancelled', now);
    return task;
  }

  /** Ends the task now with the given outcome, whatever its status, unless it was cancelled. */
  forceOutcome(id: string, outcome: ForcedOutcome, error?: ArkTaskError): SandboxTaskRecord {
    const task = this.require(id);
    if (task.status === 'cancelled') throw new SandboxControlError(409, `Task ${id} was cancelled`);
    task.hold = null;
    this.transition(task, outcome, this.clock.now(), outcome === 'failed' ? (error ?? DEFAULT_FAILURE) : null);
    return task;
  }

  /** The next created task fails when it would otherwise succeed. */
  failNext(error?: ArkTaskError): void {
    this.nextFailure = error ?? DEFAULT_FAILURE;
  }

  /** Keeps the task in `status` until `release`; a task still queued is let through queued first. */
  hold(id: string, status: HoldStatus): SandboxTaskRecord {
    const task = this.require(id);
    if (isTerminal(task.status)) throw new SandboxControlError(409, `Task ${id} is already ${task.status}`);
    if (status === 'queued' && task.status === 'running') throw new SandboxControlError(409, `Task ${id} is already running`);
    task.hold = status;
    return task;
  }

  /** Lets a held task go on; if its phase already lasted long enough, it moves on now. */
  release(id: string): SandboxTaskRecord {
    const task = this.require(id);
    if (task.hold && task.hold === task.status) {
      const now = this.clock.now();
      const phase = task.status === 'queued' ? this.clock.queuedMs : this.clock.runningMs;
      task.phaseAnchorMs = Math.max(task.phaseAnchorMs, now - phase);
    }
    task.hold = null;
    this.settle(task, this.clock.now());
    return task;
  }

  holdAll(status: HoldStatus | null): void {
    this.holdForNew = status;
  }

  clear(): void {
    this.tasks.clear();
    this.places.clear();
    this.active.clear();
    this.nextFailure = null;
    this.holdForNew = null;
    this.createsSinceSweep = 0;
  }

  /** Every record as it is (not brought up to date), oldest first, to be saved. */
  snapshot(): SandboxTaskRecord[] {
    return [...this.tasks.values()].map((task) => ({ ...task, params: { ...task.params } }));
  }

  /** Puts saved records back (a restart); their lifecycle goes on from their timestamps. Known ids are left alone. */
  restore(records: readonly SandboxTaskRecord[]): void {
    for (const record of records) {
      if (this.tasks.has(record.id)) continue;
      this.tasks.set(record.id, { ...record });
      this.places.set(record.id, this.nextPlace++);
      if (!isTerminal(record.status)) this.active.add(record.id);
    }
  }

  /** Forgets records past retention. */
  sweep(): void {
    this.createsSinceSweep = 0;
    const now = this.clock.now();
    for (const task of [...this.tasks.values()]) if (!this.isRetained(task, now)) this.forget(task.id);
  }

  private require(id: string): SandboxTaskRecord {
    const task = this.get(id);
    if (!task) throw new SandboxControlError(404, `Task ${id} not found`);
    return task;
  }

  private isRetained(task: SandboxTaskRecord, now: number): boolean {
    if (now - task.createdAtMs >= RETENTION_MS) return false;
    return !(task.status === 'cancelled' && task.cancelledAtMs !== undefined && now - task.cancelledAtMs >= CANCELLED_RETENTION_MS);
  }

  private forget(id: string): boolean {
    this.active.delete(id);
    this.places.delete(id);
    return this.tasks.delete(id);
  }

  /** Applies every transition due by `now`, in order, each announced to the listeners. */
  private settle(task: SandboxTaskRecord, now: number): void {
    while (!isTerminal(task.status)) {
      const deadline = task.createdAtMs + task.params.executionExpiresAfter * 1000;
      const queued = task.status === 'queued';
      const phase = queued ? this.clock.queuedMs : this.clock.runningMs;
      const next = task.hold === task.status ? Infinity : task.phaseAnchorMs + phase;
      if (deadline <= next) {
        if (deadline <= now) this.transition(task, 'expired', deadline);
        return;
      }
      if (next > now) return;
      if (queued) this.transition(task, 'running', next);
      else if (task.outcome.status === 'failed') this.transition(task, 'failed', next, task.outcome.error);
      else this.transition(task, 'succeeded', next);
    }
  }

  private transition(task: SandboxTaskRecord, status: ArkTaskStatus, atMs: number, error: ArkTaskError | null = null): void {
    task.status = status;
    task.updatedAtMs = atMs;
    task.phaseAnchorMs = atMs;
    task.error = status === 'failed' ? error : null;
    if (isTerminal(status)) this.active.delete(task.id);
    this.emit(task);
  }

  private emit(task: SandboxTaskRecord): void {
    for (const listener of this.listeners) listener(task);
  }

  /** `cgt-` + UTC YYYYMMDDhhmmss + `-` + five lowercase letters or digits. */
  private newId(now: number): string {
    const stamp = new Date(now).toISOString().replace(/\D/g, '').slice(0, 14);
    for (;;) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
      const id = `cgt-${stamp}-${suffix}`;
      if (!this.tasks.has(id)) return id;
    }
  }
}
