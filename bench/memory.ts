/**
 * Memory of the bench process (the one hosting the gateway): RSS sampled from a worker thread, the kernel's RSS
 * high-water mark (which Linux lets a process reset, to see the peak of one phase), and a full GC on demand.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';

const MB = 1024 * 1024;
export const toMb = (bytes: number) => bytes / MB;

let gcFn: (() => void) | null | undefined;

/**
 * Runs a full garbage collection, so that RSS read next is not inflated by garbage left by earlier work
 * (e.g. seeding). `npm run bench` does not start node with --expose-gc; the flag is set at run time
 * and the function taken from a fresh context. Returns false where that is not possible.
 */
export function fullGc(): boolean {
  if (gcFn === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  if (!gcFn) return false;
  gcFn();
  gcFn();
  return true;
}

/** The highest RSS seen before the last `resetPeakRss`, so the process-wide peak survives the resets. */
let peakBeforeResetsKb = 0;

function statusField(name: string): number | null {
  try {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Resets the kernel's RSS high-water mark (VmHWM) to the current RSS (Linux ≥ 4.0: `echo 5 > clear_refs`),
 * so that `peakRssSinceResetMb` gives the peak of what follows, blocked event loop or not. False where unsupported.
 */
export function resetPeakRss(): boolean {
  const before = statusField('VmHWM');
  if (before === null) return false;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    return false;
  }
  peakBeforeResetsKb = Math.max(peakBeforeResetsKb, before);
  return true;
}

/** VmHWM in MB (peak RSS since start or since the last reset); null off Linux. */
export function peakRssSinceResetMb(): number | null {
  const kb = statusField('VmHWM');
  return kb === null ? null : kb / 1024;
}

/** Peak RSS of the whole run, resets or not. */
export function processPeakRssMb(): number {
  const current = Math.max(peakRssSinceResetMb() ?? 0, process.resourceUsage().maxRSS / 1024);
  return Math.max(current, peakBeforeResetsKb / 1024);
}

export interface RssSummary {
  /** RSS when sampling started, MB. */
  startMb: number;
  /** Highest sample, MB. */
  peakMb: number;
  /** Last sample (taken at stop), MB. */
  endMb: number;
  samples: number;
  /** Highest V8 heapUsed of the main thread, sampled on its own event loop (so only when that loop is free), MB. */
  peakHeapUsedMb: number;
  /**
   * Longest gap between two ticks of a timer on the main thread, ms: how long the event loop (the gateway's)
   * was busy without a break. A timer due every `intervalMs` waits that long.
   */
  longestGapMs: number;
}

/**
 * Samples this process's RSS every `intervalMs` from a worker thread, so that samples keep coming while the
 * main thread (gateway, sandbox) is busy; RSS is the whole process's, the worker's few MB included from the
 * first sample on. Alongside, a timer on the main thread records heapUsed and how late it fires.
 */
export class RssSampler {
  private timer?: NodeJS.Timeout;
  private peakHeapUsedMb = 0;
  private lastAt = 0;
  private longestGapMs = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly startMb: number,
    intervalMs: number,
  ) {
    this.lastAt = performance.now();
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.tick();
  }

  static async start(intervalMs = 50): Promise<RssSampler> {
    const worker = new Worker(SAMPLER_SOURCE, { eval: true, workerData: { intervalMs } });
    const startRss = await new Promise<number>((resolve, reject) => {
      worker.once('message', (m: { ready: number }) => resolve(m.ready));
      worker.once('error', reject);
    });
    return new RssSampler(worker, toMb(startRss), intervalMs);
  }

  async stop(): Promise<RssSummary> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.tick();
    const reply = new Promise<{ peak: number; end: number; samples: number }>((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
    });
    this.worker.postMessage('stop');
    const r = await reply;
    await this.worker.terminate();
    return {
      startMb: this.startMb,
      peakMb: toMb(r.peak),
      endMb: toMb(r.end),
      samples: r.samples,
      peakHeapUsedMb: this.peakHeapUsedMb,
      longestGapMs: this.longestGapMs,
    };
  }

  private tick(): void {
    const now = performance.now();
    this.longestGapMs = Math.max(this.longestGapMs, now - this.lastAt);
    this.lastAt = now;
    this.peakHeapUsedMb = Math.max(this.peakHeapUsedMb, toMb(process.memoryUsage().heapUsed));
  }
}

/** The worker: samples process-wide RSS on its own event loop, answers `stop` with the summary. */
const SAMPLER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let peak = process.memoryUsage.rss();
let end = peak;
let samples = 1;
const timer = setInterval(() => {
  end = process.memoryUsage.rss();
  samples++;
  if (end > peak) peak = end;
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  end = process.memoryUsage.rss();
  samples++;
  if (end > peak) peak = end;
  parentPort.postMessage({ peak, end, samples });
});
parentPort.postMessage({ ready: peak });
`;

/** Busy and total CPU time of the whole machine (all cores, in clock ticks) from /proc/stat; null where unreadable. */
export function machineCpuTicks(): { busy: number; total: number } | null {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const ticks = first.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = ticks[3] + (ticks[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}
