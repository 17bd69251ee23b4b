import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { isoTime } from '../common/iso-time';
import type { RequestContext } from '../common/http/request-context';
import { AuditService } from './audit.service';

export const RATE_LIMITED_ACTION = 'rate_limited';
const WINDOW_MS = 60_000;

interface Window {
  since: number;
  count: number;
  /** The last refused request of the window: its caller, id and address go into the event. */
  ctx: RequestContext;
  tenantId: string | null;
}

/**
 * Counts 429 refusals per caller in windows of one minute. Pure: the caller decides when to write
 * what `hit` and `due` hand back.
 */
export class RateLimitWindows {
  private readonly windows = new Map<string, Window>();

  /** Counts one refusal; returns the caller's previous window when this one starts a new minute. */
  hit(key: string, tenantId: string | null, ctx: RequestContext, now: number): Window | undefined {
    const current = this.windows.get(key);
    if (current && now - current.since < WINDOW_MS) {
      current.count += 1;
      current.ctx = ctx;
      return undefined;
    }
    this.windows.set(key, { since: now, count: 1, ctx, tenantId });
    return current;
  }

  /** Removes and returns every window a minute old or older (all of them with `all`). */
  due(now: number, all = false): Window[] {
    const out: Window[] = [];
    for (const [key, w] of this.windows) {
      if (all || now - w.since >= WINDOW_MS) {
        this.windows.delete(key);
        out.push(w);
      }
    }
    return out;
  }
}

/**
 * docs/contract.md §10: rate-limited (429) refusals are counted, not audited one by one. Each caller's refusals
 * of one minute become one audit event, "rate limited N times", written when the caller's next minute
 * starts or by a timer once the minute is over (and at shutdown).
 */
@Injectable()
export class RateLimitTally implements OnModuleDestroy {
  private readonly logger = new Logger(RateLimitTally.name);
  private readonly windows = new RateLimitWindows();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly audit: AuditService) {
    this.timer = setInterval(() => void this.flush(), WINDOW_MS / 4);
    this.timer.unref();
  }

  /** Counts one 429 of an authenticated caller. */
  count(ctx: RequestContext): void {
    const principal = ctx.principal;
    if (!principal) return;
    const key = principal.tenant ? `tenant:${principal.tenant.id}` : `token:${principal.tokenId}`;
    const previous = this.windows.hit(key, principal.tenant?.id ?? null, ctx, Date.now());
    if (previous) void this.write([previous]);
  }

  /** Writes the windows that are over (every window with `all`). */
  flush(all = false): Promise<void> {
    return this.write(this.windows.due(Date.now(), all));
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(true);
  }

  private async write(windows: Window[]): Promise<void> {
    for (const w of windows) {
      try {
        await this.audit.recordAlone({
          action: RATE_LIMITED_ACTION,
          ctx: w.ctx,
          tenantId: w.tenantId,
          outcome: { status: 429, errorCode: 'rate_limit_exceeded' },
          properties: {
            summary: `rate limited ${w.count} times`,
            count: w.count,
            from: isoTime(w.since),
            to: isoTime(Math.min(Date.now(), w.since + WINDOW_MS)),
          },
        });
      } catch (err) {
        this.logger.error(`could not write the rate-limit event (${w.count} refusals): ${(err as Error).message}`);
      }
    }
  }
}
