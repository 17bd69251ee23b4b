/**
 * Test controls of the sandbox, used directly (`handle.control`) or over HTTP under `/_sandbox/`.
 * Invalid arguments throw a SandboxControlError carrying the HTTP status the control API answers with.
 */
import type { ArkAsset, ArkOpenApiErrorInfo, ArkTaskError } from '@arkgate/byteplus';
import type { AssetHoldStatus, AssetPhases, AssetStore, ForcedAssetOutcome, SandboxAssetGroupRecord, SandboxAssetRecord } from './asset-store';
import { renderAsset } from './asset-view';
import type { CallbackDispatcher, CallbackRecord } from './callback-dispatcher';
import type { ActiveFault, FaultInjector, FaultSpec } from './fault-injector';
import type { RecordedRequest, RequestLog } from './request-log';
import type { SandboxClock } from './sandbox-clock';
import { SandboxControlError, type ForcedOutcome, type HoldStatus, type SandboxTaskRecord, type TaskStore } from './task-store';
import { renderTask } from './task-view';

export interface SandboxControlDeps {
  store: TaskStore;
  assets: AssetStore;
  clock: SandboxClock;
  faults: FaultInjector;
  requests: RequestLog;
  callbacks: CallbackDispatcher;
  publicUrl: () => string;
  initialClock: { queuedMs: number; runningMs: number };
}

export interface SandboxClockState {
  /** Sandbox now, ms since epoch. */
  now: number;
  /** How far `advance` has moved the sandbox ahead of the wall clock. */
  offsetMs: number;
  queuedMs: number;
  runningMs: number;
}

const OUTCOMES: readonly ForcedOutcome[] = ['succeeded', 'failed', 'expired'];
const ASSET_OUTCOMES: readonly ForcedAssetOutcome[] = ['Active', 'Failed'];
const HOLDS: readonly HoldStatus[] = ['queued', 'running'];

export class SandboxControl {
  constructor(private readonly deps: SandboxControlDeps) {}

  /**
   * Ends the task now with this outcome, whatever its status (holds are dropped); a cancelled task is refused (409).
   * A failure without `error` gets OutputVideoSensitiveContentDetected.
   */
  forceOutcome(id: string, outcome: ForcedOutcome, error?: ArkTaskError): SandboxTaskRecord {
    if (!OUTCOMES.includes(outcome)) throw new SandboxControlError(400, `outcome must be one of ${OUTCOMES.join(', ')}`);
    return snapshot(this.deps.store.forceOutcome(id, outcome, checkError(error)));
  }

  /** The next created task fails (with `error`, or OutputVideoSensitiveContentDetected) when it would succeed. */
  failNext(error?: ArkTaskError): void {
    this.deps.store.failNext(checkError(error));
  }

  /** Keeps the task in `status` until `release`; expiry still applies. */
  hold(id: string, status: HoldStatus): SandboxTaskRecord {
    if (!HOLDS.includes(status)) throw new SandboxControlError(400, `status must be one of ${HOLDS.join(', ')}`);
    return snapshot(this.deps.store.hold(id, status));
  }

  release(id: string): SandboxTaskRecord {
    return snapshot(this.deps.store.release(id));
  }

  /** Holds every task created from now on in `status`; null stops that. */
  holdAll(status: HoldStatus | null): void {
    if (status !== null && !HOLDS.includes(status)) throw new SandboxControlError(400, `status must be null or one of ${HOLDS.join(', ')}`);
    this.deps.store.holdAll(status);
  }

  /** Changes the phase lengths; they apply to tasks in flight too, from the start of their current phase. */
  setClock(phases: { queuedMs?: number; runningMs?: number }): SandboxClockState {
    guard(() => this.deps.clock.setPhases(phases ?? {}));
    this.deps.callbacks.tick();
    return this.clock();
  }

  clock(): SandboxClockState {
    const { clock } = this.deps;
    return { now: clock.now(), offsetMs: clock.offset, queuedMs: clock.queuedMs, runningMs: clock.runningMs };
  }

  /** Moves the sandbox's now forward; callbacks due by then are recorded before it returns. */
  advance(ms: number): SandboxClockState {
    guard(() => this.deps.clock.advance(ms));
    this.deps.callbacks.tick();
    return this.clock();
  }

  addFault(spec: FaultSpec): ActiveFault {
    return guard(() => this.deps.faults.add(spec));
  }

  faults(): ActiveFault[] {
    return this.deps.faults.list();
  }

  clearFaults(): void {
    this.deps.faults.clear();
  }

  requests(): RecordedRequest[] {
    return this.deps.requests.all();
  }

  clearRequests(): void {
    this.deps.requests.clear();
  }

  callbacks(): CallbackRecord[] {
    return this.deps.callbacks.records();
  }

  clearCallbacks(): void {
    this.deps.callbacks.clear();
  }

  /** Raw record (a copy), up to date; undefined when unknown or forgotten. */
  task(id: string): SandboxTaskRecord | undefined {
    const task = this.deps.store.get(id);
    return task ? snapshot(task) : undefined;
  }

  /** The task object GET would return now. */
  taskView(id: string): Record<string, unknown> | undefined {
    const task = this.deps.store.get(id);
    return task ? renderTask(task, this.deps.publicUrl()) : undefined;
  }

  /**
   * Ends the asset now as Active or Failed, whatever its status (a hold is dropped), and makes it visible to
   * GetAsset/ListAssets at once. A failure without `error` gets FaceMismatch.
   */
  forceAssetOutcome(id: string, outcome: ForcedAssetOutcome, error?: ArkOpenApiErrorInfo): SandboxAssetRecord {
    if (!ASSET_OUTCOMES.includes(outcome)) throw new SandboxControlError(400, `outcome must be one of ${ASSET_OUTCOMES.join(', ')}`);
    return snapshot(this.deps.assets.forceOutcome(id, outcome, checkAssetError(error)));
  }

  /** Keeps the asset in `status` until `releaseAsset`. */
  holdAsset(id: string, status: AssetHoldStatus): SandboxAssetRecord {
    return snapshot(this.deps.assets.hold(id, status));
  }

  releaseAsset(id: string): SandboxAssetRecord {
    return snapshot(this.deps.assets.release(id));
  }

  /** Changes the asset phase lengths and the invisibility window; they apply to assets in flight too. */
  setAssetClock(phases: { pendingMs?: number; processingMs?: number; invisibleMs?: number }): AssetPhases {
    return guard(() => this.deps.assets.setPhases(phases ?? {}));
  }

  assetClock(): AssetPhases {
    return this.deps.assets.currentPhases;
  }

  /** Raw asset record (a copy), up to date, visible to the API or not; undefined when unknown. */
  asset(id: string): SandboxAssetRecord | undefined {
    const asset = this.deps.assets.asset(id);
    return asset ? snapshot(asset) : undefined;
  }

  /** The asset object GetAsset would return once visible. */
  assetView(id: string): ArkAsset | undefined {
    const asset = this.deps.assets.asset(id);
    return asset ? renderAsset(asset, this.deps.publicUrl()) : undefined;
  }

  /** Raw group records (copies), oldest first. */
  assetGroups(): SandboxAssetGroupRecord[] {
    return this.deps.assets.allGroups().map(snapshot);
  }

  /** Raw asset records (copies), up to date, oldest first, visible to the API or not. */
  assets(): SandboxAssetRecord[] {
    return this.deps.assets.allAssets().map(snapshot);
  }

  /**
   * Everything back to the start: tasks, holds, fail-next, faults, recorded requests and callbacks, clock, asset
   * groups and assets, asset clock.
   */
  reset(): void {
    this.deps.store.clear();
    this.deps.assets.reset();
    this.deps.faults.clear();
    this.deps.requests.clear();
    this.deps.callbacks.reset();
    this.deps.clock.reset(this.deps.initialClock.queuedMs, this.deps.initialClock.runningMs);
  }
}

function snapshot<T>(record: T): T {
  return structuredClone(record);
}

function checkAssetError(error: ArkOpenApiErrorInfo | undefined | null): ArkOpenApiErrorInfo | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error !== 'object' || typeof error.Code !== 'string' || typeof error.Message !== 'string') {
    throw new SandboxControlError(400, 'error must be {Code: string, Message: string}');
  }
  return { Code: error.Code, Message: error.Message };
}

function checkError(error: ArkTaskError | undefined | null): ArkTaskError | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error !== 'object' || typeof error.code !== 'string' || typeof error.message !== 'string') {
    throw new SandboxControlError(400, 'error must be {code: string, message: string}');
  }
  return { code: error.code, message: error.message };
}

function guard<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw new SandboxControlError(400, error.message);
    throw error;
  }
}
