/** What S5 and S6 share: their output, percentiles, and timing of the gateway's own methods. */
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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const seconds = (ms: number) => (ms / 1000).toFixed(1);
export const round1 = (v: number) => Math.round(v * 10) / 10;

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
    target[method] = async function timed(this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      } finally {
        const t = totals.get(label)!;
        t.calls++;
        t.ms += performance.now() - started;
      }
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
