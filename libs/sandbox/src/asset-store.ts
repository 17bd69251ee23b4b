/**
 * In-memory asset groups and assets of the control-plane asset library, with a lazily computed lifecycle.
 *
 * Like tasks, no asset owns a timer: its status is brought up to date from timestamps whenever it is looked at.
 * An asset is `Pending` for `pendingMs` from creation, then `Processing` for `processingMs`, then ends `Active`, or
 * `Failed` when its source could not be "downloaded" (decided at creation from the URL alone — nothing is ever
 * fetched). Phase lengths are read when a transition is computed, so `setPhases` also applies to assets in flight.
 *
 * A just-created asset is invisible (GetAsset/ListAssets do not see it) for `invisibleMs`, like the real service;
 * forcing an outcome makes it visible at once.
 */
import { randomInt } from 'node:crypto';
import type { ArkAssetGroupType, ArkAssetStatus, ArkAssetType, ArkOpenApiErrorInfo } from '@arkgate/byteplus';
import { SandboxClock } from './sandbox-clock';
import { SandboxControlError } from './task-store';

export type AssetHoldStatus = 'Pending' | 'Processing';
export type ForcedAssetOutcome = 'Active' | 'Failed';

export interface AssetPhases {
  pendingMs: number;
  processingMs: number;
  invisibleMs: number;
}

export interface SandboxAssetGroupRecord {
  id: string;
  name: string;
  description: string;
  groupType: ArkAssetGroupType;
  projectName: string;
  createdAtMs: number;
  updatedAtMs: number;
  /** Creation order, to break ties between equal times. */
  seq: number;
}

export interface SandboxAssetRecord {
  id: string;
  groupId: string;
  projectName: string;
  name: string;
  assetType: ArkAssetType;
  /** URL as given to CreateAsset. */
  sourceUrl: string;
  moderation: 'Default' | 'Skip';
  createdAtMs: number;
  /** Time of the last status change or update. */
  updatedAtMs: number;
  status: ArkAssetStatus;
  /** Start of the current phase for progression (moved by `release`). */
  phaseAnchorMs: number;
  hold: AssetHoldStatus | null;
  /** How the asset ends after processing. */
  outcome: { status: 'Active' } | { status: 'Failed'; error: ArkOpenApiErrorInfo };
  error: ArkOpenApiErrorInfo | null;
  /** Set when an outcome was forced: visible from then on whatever the invisibility window. */
  revealed: boolean;
  seq: number;
}

export interface NewAssetGroup {
  name: string;
  description: string;
  groupType: ArkAssetGroupType;
  projectName: string;
}

export interface NewAsset {
  groupId: string;
  projectName: string;
  name: string;
  assetType: ArkAssetType;
  sourceUrl: string;
  moderation: 'Default' | 'Skip';
}

export const DEFAULT_ASSET_FAILURE: ArkOpenApiErrorInfo = Object.freeze({
  Code: 'FaceMismatch',
  Message: 'Face consistency verification failed.',
});

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HOLDS: readonly AssetHoldStatus[] = ['Pending', 'Processing'];

export class AssetStore {
  private readonly groups = new Map<string, SandboxAssetGroupRecord>();
  private readonly assets = new Map<string, SandboxAssetRecord>();
  private seq = 0;
  private phases: AssetPhases;

  constructor(
    private readonly clock: SandboxClock,
    private readonly initialPhases: AssetPhases,
    private readonly unreachableHosts: readonly string[] = [],
  ) {
    AssetStore.checkPhases(initialPhases);
    this.phases = { ...initialPhases };
  }

  get currentPhases(): AssetPhases {
    return { ...this.phases };
  }

  /** Changes phase lengths; they apply to assets in flight too, from the start of their current phase. */
  setPhases(phases: Partial<AssetPhases>): AssetPhases {
    AssetStore.checkPhases(phases);
    for (const key of ['pendingMs', 'processingMs', 'invisibleMs'] as const) {
      if (phases[key] !== undefined) this.phases[key] = phases[key];
    }
    return this.currentPhases;
  }

  createGroup(input: NewAssetGroup): SandboxAssetGroupRecord {
    const now = this.clock.now();
    const group: SandboxAssetGroupRecord = {
      id: this.newId('group', now),
      ...input,
      createdAtMs: now,
      updatedAtMs: now,
      seq: ++this.seq,
    };
    this.groups.set(group.id, group);
    return group;
  }

  group(id: string): SandboxAssetGroupRecord | undefined {
    return this.groups.get(id);
  }

  /** Every group, oldest first. */
  allGroups(): SandboxAssetGroupRecord[] {
    return [...this.groups.values()];
  }

  updateGroup(id: string, patch: { name?: string; description?: string }): SandboxAssetGroupRecord | undefined {
    const group = this.groups.get(id);
    if (!group) return undefined;
    if (patch.name !== undefined) group.name = patch.name;
    if (patch.description !== undefined) group.description = patch.description;
    group.updatedAtMs = this.clock.now();
    return group;
  }

  deleteGroup(id: string): boolean {
    return this.groups.delete(id);
  }

  /** Assets of a group, visible or not. */
  countInGroup(groupId: string): number {
    let count = 0;
    for (const asset of this.assets.values()) if (asset.groupId === groupId) count += 1;
    return count;
  }

  createAsset(input: NewAsset): SandboxAssetRecord {
    const now = this.clock.now();
    const failure = this.downloadFailure(input.sourceUrl);
    const asset: SandboxAssetRecord = {
      id: this.newId('asset', now),
      ...input,
      createdAtMs: now,
      updatedAtMs: now,
      status: 'Pending',
      phaseAnchorMs: now,
      hold: null,
      outcome: failure ? { status: 'Failed', error: failure } : { status: 'Active' },
      error: null,
      revealed: false,
      seq: ++this.seq,
    };
    this.assets.set(asset.id, asset);
    this.settle(asset, now);
    return asset;
  }

  /** The asset brought up to date, visible or not; undefined when unknown. */
  asset(id: string): SandboxAssetRecord | undefined {
    const asset = this.assets.get(id);
    if (asset) this.settle(asset, this.clock.now());
    return asset;
  }

  /** The asset brought up to date, only once it is visible to the API. */
  visibleAsset(id: string): SandboxAssetRecord | undefined {
    const asset = this.asset(id);
    return asset && this.isVisible(asset) ? asset : undefined;
  }

  /** Every asset, up to date, oldest first; with `visibleOnly`, those the API can see. */
  allAssets(visibleOnly = false): SandboxAssetRecord[] {
    const now = this.clock.now();
    const out: SandboxAssetRecord[] = [];
    for (const asset of this.assets.values()) {
      this.settle(asset, now);
      if (!visibleOnly || this.isVisible(asset, now)) out.push(asset);
    }
    return out;
  }

  updateAsset(id: string, patch: { name?: string }): SandboxAssetRecord | undefined {
    const asset = this.visibleAsset(id);
    if (!asset) return undefined;
    if (patch.name !== undefined) asset.name = patch.name;
    asset.updatedAtMs = this.clock.now();
    return asset;
  }

  deleteAsset(id: string): boolean {
    return this.assets.delete(id);
  }

  /** Ends the asset now with this outcome, whatever its status (a hold is dropped), and makes it visible. */
  forceOutcome(id: string, outcome: ForcedAssetOutcome, error?: ArkOpenApiErrorInfo): SandboxAssetRecord {
    const asset = this.require(id);
    asset.hold = null;
    asset.revealed = true;
    asset.outcome = outcome === 'Failed' ? { status: 'Failed', error: error ?? DEFAULT_ASSET_FAILURE } : { status: 'Active' };
    this.transition(asset, outcome, this.clock.now());
    return asset;
  }

  /** Keeps the asset in `status` until `release`; an asset still Pending is let through to Processing first. */
  hold(id: string, status: AssetHoldStatus): SandboxAssetRecord {
    if (!HOLDS.includes(status)) throw new SandboxControlError(400, `status must be one of ${HOLDS.join(', ')}`);
    const asset = this.require(id);
    if (asset.status === 'Active' || asset.status === 'Failed') throw new SandboxControlError(409, `Asset ${id} is already ${asset.status}`);
    if (status === 'Pending' && asset.status === 'Processing') throw new SandboxControlError(409, `Asset ${id} is already Processing`);
    asset.hold = status;
    return asset;
  }

  /** Lets a held asset go on; if its phase already lasted long enough, it moves on now. */
  release(id: string): SandboxAssetRecord {
    const asset = this.require(id);
    const now = this.clock.now();
    if (asset.hold && asset.hold === asset.status) {
      const phase = asset.status === 'Pending' ? this.phases.pendingMs : this.phases.processingMs;
      asset.phaseAnchorMs = Math.max(asset.phaseAnchorMs, now - phase);
    }
    asset.hold = null;
    this.settle(asset, now);
    return asset;
  }

  /** Forgets every group and asset and puts the phases back as they were at start. */
  reset(): void {
    this.groups.clear();
    this.assets.clear();
    this.seq = 0;
    this.phases = { ...this.initialPhases };
  }

  /** Every group and asset as it is, to be saved. */
  snapshot(): { groups: SandboxAssetGroupRecord[]; assets: SandboxAssetRecord[] } {
    return { groups: [...this.groups.values()].map((g) => ({ ...g })), assets: [...this.assets.values()].map((a) => ({ ...a })) };
  }

  /** Puts saved groups and assets back (a restart); known ids are left alone and new ids keep counting after theirs. */
  restore(saved: { groups: readonly SandboxAssetGroupRecord[]; assets: readonly SandboxAssetRecord[] }): void {
    for (const group of saved.groups) if (!this.groups.has(group.id)) this.groups.set(group.id, { ...group });
    for (const asset of saved.assets) if (!this.assets.has(asset.id)) this.assets.set(asset.id, { ...asset });
    for (const record of [...saved.groups, ...saved.assets]) this.seq = Math.max(this.seq, record.seq);
  }

  isVisible(asset: SandboxAssetRecord, now = this.clock.now()): boolean {
    return asset.revealed || now - asset.createdAtMs >= this.phases.invisibleMs;
  }

  private require(id: string): SandboxAssetRecord {
    const asset = this.asset(id);
    if (!asset) throw new SandboxControlError(404, `Asset ${id} not found`);
    return asset;
  }

  /** Applies every transition due by `now`, in order. */
  private settle(asset: SandboxAssetRecord, now: number): void {
    while (asset.status === 'Pending' || asset.status === 'Processing') {
      if (asset.hold === asset.status) return;
      const phase = asset.status === 'Pending' ? this.phases.pendingMs : this.phases.processingMs;
      const next = asset.phaseAnchorMs + phase;
      if (next > now) return;
      this.transition(asset, asset.status === 'Pending' ? 'Processing' : asset.outcome.status, next);
    }
  }

  private transition(asset: SandboxAssetRecord, status: ArkAssetStatus, atMs: number): void {
    asset.status = status;
    asset.updatedAtMs = atMs;
    asset.phaseAnchorMs = atMs;
    asset.error = status === 'Failed' && asset.outcome.status === 'Failed' ? { ...asset.outcome.error } : null;
  }

  /**
   * Why the source cannot be downloaded, decided from the URL alone: not http(s), a host listed as unreachable,
   * or a host under `.invalid` (RFC 2606). Null when it would download.
   */
  private downloadFailure(url: string): ArkOpenApiErrorInfo | null {
    const failed = (reason: string): ArkOpenApiErrorInfo => ({
      Code: 'DownloadFailed',
      Message: `The resource could not be downloaded: ${reason}`,
    });
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return failed('the URL is not valid');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return failed(`unsupported scheme ${parsed.protocol.replace(/:$/, '')}`);
    const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
    const unreachable = this.unreachableHosts.some((listed) => listed.toLowerCase() === host) || host === 'invalid' || host.endsWith('.invalid');
    return unreachable ? failed(`host ${host} could not be reached`) : null;
  }

  /** `<prefix>-` + UTC YYYYMMDDhhmmss + `-` + five lowercase letters or digits. */
  private newId(prefix: 'group' | 'asset', now: number): string {
    const stamp = new Date(now).toISOString().replace(/\D/g, '').slice(0, 14);
    const taken = prefix === 'group' ? this.groups : this.assets;
    for (;;) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
      const id = `${prefix}-${stamp}-${suffix}`;
      if (!taken.has(id)) return id;
    }
  }

  static checkPhases(phases: Partial<AssetPhases>): void {
    if (typeof phases !== 'object' || phases === null) throw new TypeError('phases must be an object');
    for (const key of ['pendingMs', 'processingMs', 'invisibleMs'] as const) {
      if (phases[key] !== undefined) SandboxClock.checkDuration(key, phases[key]);
    }
  }
}
