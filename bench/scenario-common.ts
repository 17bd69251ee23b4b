/** What S5 and S6 share: their output, percentiles, and timing of the gateway's own methods; where the profile reader is. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ReportRow } from './report';

export type Log = (line: string) => void;

/** Rows for the table, notes under it, and checks that failed (printed loudly). */
export interface ScenarioOutput {
  rows: ReportRow[];
  notes: string[];
  failures: string[];
}

/** The value at quantile q (0..1] of ascending `sorted` (nearest rank); null when empty. */
export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** S2's create: a text-to-video body for the gateway (stable model name). */
export const CREATE_BODY = {
  model: 'dreamina-seedance-2-0-fast',
  content: [{ type: 'text', text: 'A quiet cinematic shot of a paper boat floating on calm water, soft morning light.' }],
  duration: 4,
  ratio: '16:9',
  resolution: '480p',
  generate_audio: false,
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const seconds = (ms: number) => (ms / 1000).toFixed(1);
export const round1 = (v: number) => Math.round(v * 10) / 10;

/** An async generator's items as they come, counting only the time spent waiting in its next() calls. */
async function* timedIteration<T>(source: AsyncGenerator<T>, count: (ms: number) => void): AsyncGenerator<T> {
  let waited = 0;
  try {
    for (;;) {
      const started = performance.now();
      const step = await source.next();
      waited += performance.now() - started;
      if (step.done) return;
      yield step.value;
    }
  } finally {
    await source.return(undefined);
    count(waited);
  }
}

/**
 * Wall time spent in chosen async methods of the gateway's own providers (the instances the app injected),
 * by wrapping them on the instance for the duration of a measurement. Calls that overlap are each counted
 * in full, so a sum can exceed the elapsed time; on SQLite a write's time includes its wait for the queue.
 */
export class MethodTimer {
  private readonly totals = new Map<string, { calls: number; ms: number }>();
  private readonly restores: Array<() => void> = [];

  wrap(instance: object, method: string, label: string): this {
    const target = instance as Record<string, unknown>;
    const original = target[method];
    if (typeof original !== 'function') throw new Error(`${label}: no method ${method} to time`);
    const totals = this.totals;
    totals.set(label, { calls: 0, ms: 0 });
    const hadOwn = Object.prototype.hasOwnProperty.call(target, method);
    const count = (ms: number) => {
      const t = totals.get(label)!;
      t.calls++;
      t.ms += ms;
    };
    target[method] = function timed(this: unknown, ...args: unknown[]) {
      const started = performance.now();
      const result = (original as (...a: unknown[]) => unknown).apply(this, args);
      // An async generator (rows read in batches): the time spent waiting in its next() calls, not the caller's.
      if (result && typeof (result as AsyncGenerator)[Symbol.asyncIterator] === 'function') return timedIteration(result as AsyncGenerator, count);
      return Promise.resolve(result).finally(() => count(performance.now() - started));
    };
    this.restores.push(() => {
      if (hadOwn) target[method] = original;
      else delete target[method];
    });
    return this;
  }

  restore(): void {
    for (const undo of this.restores.splice(0)) undo();
  }

  /** Per label: calls, total ms, mean ms. */
  summary(): Record<string, { calls: number; totalMs: number; meanMs: number | null }> {
    return Object.fromEntries(
      [...this.totals].map(([label, t]) => [
        label,
        { calls: t.calls, totalMs: round1(t.ms), meanMs: t.calls ? Math.round((t.ms / t.calls) * 100) / 100 : null },
      ]),
    );
  }

  /** One line: `label n× mean x ms (total y s)`, … */
  describe(): string {
    return Object.entries(this.summary())
      .map(([label, t]) => `${label} ${t.calls}× mean ${t.meanMs ?? 'n/a'} ms (total ${(t.totalMs / 1000).toFixed(1)} s)`)
      .join('; ');
  }
}

/**
 * bench/top-frames.js (plain JavaScript, not compiled): beside this file when run from the TypeScript sources, in the
 * repository's bench/ when run compiled from dist-bench/bench/.
 */
export function topFramesScript(): string {
  const here = join(__dirname, 'top-frames.js');
  return existsSync(here) ? here : join(__dirname, '..', '..', 'bench', 'top-frames.js');
}
