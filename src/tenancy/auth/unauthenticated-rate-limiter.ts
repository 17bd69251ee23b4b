import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DomainError } from '../../common/errors/domain-error';

const WINDOW_MS = 60_000;

/**
 * docs/contract.md §10: requests refused for a missing or bad token are counted per client address; past
 * ARKGATE_UNAUTH_RATE_PER_MINUTE in a minute they are answered 429 with Retry-After instead of 401.
 * Counts live in the same storage as the tenant rate limits (in-process, or Redis when configured).
 */
@Injectable()
export class UnauthenticatedRateLimiter {
  private readonly logger = new Logger(UnauthenticatedRateLimiter.name);

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts one unauthenticated request from `ip` and gives the error to answer it with. */
  async refusal(ip: string): Promise<DomainError> {
    const limit = this.config.unauthRatePerMinute;
    try {
      const record = await this.storage.increment(`arkgate:unauth:${ip}`, WINDOW_MS, limit, WINDOW_MS, 'unauthenticated');
      if (record.isBlocked) {
        const retryAfter = String(Math.max(1, record.timeToBlockExpire || record.timeToExpire));
        return new DomainError(
          'rate_limited',
          'Too many requests without a valid API token from this address. Retry after the time in the Retry-After header.',
          '',
          {
            'Retry-After': retryAfter,
          },
        );
      }
    } catch (err) {
      this.logger.warn(`unauthenticated rate counter unavailable: ${(err as Error).message}`);
    }
    return new DomainError('unauthorized', 'Missing or invalid API token. Send Authorization: Bearer <token>.');
  }
}
