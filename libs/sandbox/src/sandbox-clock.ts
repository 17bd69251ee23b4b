/** The sandbox's notion of time: wall clock plus an offset that `advance()` moves forward, and the phase lengths. */
export class SandboxClock {
  private offsetMs = 0;

  constructor(
    public queuedMs: number,
    public runningMs: number,
    private readonly wallClock: () => number = Date.now,
  ) {
    SandboxClock.checkDuration('queuedMs', queuedMs);
    SandboxClock.checkDuration('runningMs', runningMs);
  }

  now(): number {
    return this.wallClock() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  advance(ms: number): void {
    SandboxClock.checkDuration('ms', ms);
    this.offsetMs += ms;
  }

  setPhases(phases: { queuedMs?: number; runningMs?: number }): void {
    if (phases.queuedMs !== undefined) SandboxClock.checkDuration('queuedMs', phases.queuedMs);
    if (phases.runningMs !== undefined) SandboxClock.checkDuration('runningMs', phases.runningMs);
    if (phases.queuedMs !== undefined) this.queuedMs = phases.queuedMs;
    if (phases.runningMs !== undefined) this.runningMs = phases.runningMs;
  }

  reset(queuedMs: number, runningMs: number): void {
    this.offsetMs = 0;
    this.setPhases({ queuedMs, runningMs });
  }

  static checkDuration(name: string, value: unknown): asserts value is number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a non-negative number of milliseconds`);
    }
  }
}
