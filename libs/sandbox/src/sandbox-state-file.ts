/**
 * The sandbox's tasks, asset groups and assets kept in a JSON file, so a restart (of `npm start`) keeps them and the
 * result URLs the gateway already handed out: the file also remembers the port, which the next start takes again
 * when it is free.
 *
 * Saving is debounced after every state-changing request and done once more on close; each save writes a temporary
 * file and renames it over the old one, so a crash leaves either the previous or the new state, never half of one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SandboxAssetGroupRecord, SandboxAssetRecord } from './asset-store';
import type { SandboxTaskRecord } from './task-store';

export interface SandboxState {
  version: 1;
  /** The port the sandbox listened on. */
  port: number;
  /** The sandbox clock's offset (moved by the control API's `advance`). */
  clockOffsetMs: number;
  tasks: SandboxTaskRecord[];
  assetGroups: SandboxAssetGroupRecord[];
  assets: SandboxAssetRecord[];
}

/** The saved state, or null when there is none. A file that is not a sandbox state is an error (not overwritten silently). */
export function readSandboxState(path: string): SandboxState | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const state = JSON.parse(text) as Partial<SandboxState>;
  if (state.version !== 1 || !Array.isArray(state.tasks) || !Array.isArray(state.assetGroups) || !Array.isArray(state.assets)) {
    throw new Error(`${path} is not a sandbox state file (delete it to start with an empty sandbox)`);
  }
  return { port: 0, clockOffsetMs: 0, ...state } as SandboxState;
}

export function writeSandboxState(path: string, state: SandboxState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state));
  renameSync(temporary, path);
}

/** Saves `take()` at most once per `delayMs` after `changed()`, and at once on `flush()`. */
export class DebouncedStateWriter {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly take: () => SandboxState,
    private readonly delayMs = 200,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.save();
  }

  private save(): void {
    try {
      writeSandboxState(this.path, this.take());
    } catch (err) {
      this.onError(err as Error);
    }
  }
}
