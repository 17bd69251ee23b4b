import { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { InFlightRequests } from './in-flight-requests';
import { ShutdownState } from './shutdown-state';

/** How long closing (hooks, lease release, database) may take after the grace before the process gives up. */
const CLOSE_LIMIT_MS = 15_000;

/**
 * SIGTERM and SIGINT, handled by arkgate itself rather than Nest's shutdown hooks (which re-raise the signal, so
 * the process never exits 0). In order (docs/contract.md §9):
 * 1. `ShutdownState.begin()`: `/readyz` answers 503 and background jobs claim nothing new, at once.
 * 2. The listener stays open and keeps serving while requests in flight drain, for up to `graceMs`: a load
 *    balancer that has not yet seen the 503 still gets answers, and every answer carries `Connection: close`.
 * 3. `app.close()`: jobs stop and release their leases, the HTTP server closes (connections still open after
 *    the grace are cut), the database is closed.
 * 4. `afterClose` (e.g. the built-in sandbox), then exit 0. A second signal exits at once with 1.
 */
export function installGracefulShutdown(app: INestApplication, graceMs: number, afterClose: () => Promise<void> = async () => undefined): void {
  const logger = new Logger('GracefulShutdown');
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      logger.warn(`${signal} received again: exiting without waiting`);
      process.exit(1);
    }
    started = true;
    void drainAndExit(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  async function drainAndExit(signal: NodeJS.Signals): Promise<void> {
    app.get(ShutdownState).begin();
    const inFlight = app.get(InFlightRequests);
    const server = app.getHttpServer() as Server;
    logger.warn(`${signal}: not ready any more; draining ${inFlight.count} request(s) for up to ${graceMs} ms`);
    const graceEnds = Date.now() + graceMs;
    const drained = await inFlight.whenIdle(graceMs);
    if (!drained) {
      logger.warn(`grace of ${graceMs} ms over with ${inFlight.count} request(s) in flight; closing their connections`);
      server.closeAllConnections();
    } else {
      server.closeIdleConnections();
      // A keep-alive connection that starts a request now must not hold the close past the grace either.
      setTimeout(() => server.closeAllConnections(), Math.max(0, graceEnds - Date.now())).unref();
    }
    const limit = setTimeout(() => {
      logger.error(`closing took longer than ${CLOSE_LIMIT_MS} ms; exiting`);
      process.exit(1);
    }, CLOSE_LIMIT_MS);
    limit.unref();
    let code = 0;
    try {
      await app.close();
      await afterClose();
    } catch (err) {
      logger.error(`shutdown failed: ${(err as Error).message}`);
      code = 1;
    }
    logger.warn(`stopped (exit ${code})`);
    process.exit(code);
  }
}
