import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ShutdownState } from './shutdown-state';

/**
 * Counts the HTTP requests being served, so a shutdown can wait for them (docs/contract.md §9). While draining, every
 * response says `Connection: close`, so keep-alive clients reconnect elsewhere instead of holding this instance.
 * Until `open()` (start-up finished: the port is bound and the bootstrap writes are done) requests wait.
 */
@Injectable()
export class InFlightRequests {
  private active = 0;
  private waiters: Array<() => void> = [];
  private isOpen = false;
  private release!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));

  constructor(private readonly shutdown: ShutdownState) {}

  get count(): number {
    return this.active;
  }

  /** Express middleware, mounted before every route. */
  readonly track = (_req: Request, res: Response, next: NextFunction): void => {
    this.active += 1;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.active -= 1;
      if (this.active === 0) for (const wake of this.waiters.splice(0)) wake();
    };
    res.once('finish', finish);
    res.once('close', finish);
    if (this.shutdown.draining) res.setHeader('Connection', 'close');
    if (this.isOpen) next();
    else void this.opened.then(() => next());
  };

  /** Start-up is done: requests are served from now on. */
  open(): void {
    this.isOpen = true;
    this.release();
  }

  /** Resolves true once no request is in flight, or false when `timeoutMs` passes first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }
}
