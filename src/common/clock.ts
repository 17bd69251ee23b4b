import { Injectable } from '@nestjs/common';

/**
 * The time, injectable: a service that decides by the clock (price in force, cache windows, sync deadlines,
 * reconciliation windows) takes a Clock, so a test can move time instead of sleeping. Epoch milliseconds,
 * like every time the database stores.
 */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}

/** A clock that moves only when told: for tests. */
export class ManualClock extends Clock {
  constructor(private current = Date.now()) {
    super();
  }

  override now(): number {
    return this.current;
  }

  set(ms: number): void {
    this.current = ms;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
