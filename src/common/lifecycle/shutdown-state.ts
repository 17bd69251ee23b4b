import { Injectable } from '@nestjs/common';

/**
 * Whether this instance has begun shutting down (docs/contract.md §9). Set once, at the first SIGTERM, before anything
 * else happens: readiness answers 503 from then on and background jobs (status sync, reconciliation) claim no new
 * leases. Listeners run once, in the order they were added.
 */
@Injectable()
export class ShutdownState {
  private began = false;
  private readonly listeners: Array<() => void> = [];

  get draining(): boolean {
    return this.began;
  }

  begin(): void {
    if (this.began) return;
    this.began = true;
    for (const listener of this.listeners.splice(0)) listener();
  }

  /** Runs `listener` when shutdown begins (at once if it already has). */
  onBegin(listener: () => void): void {
    if (this.began) listener();
    else this.listeners.push(listener);
  }
}
