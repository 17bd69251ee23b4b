import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { InFlightRequests } from './lifecycle/in-flight-requests';
import { ShutdownState } from './lifecycle/shutdown-state';
import { HostResolver, RFC2606_ADDRESSES } from './net/host-resolver';
import { RedisConnection } from './redis/redis-connection';

/**
 * Shared infrastructure: the one resolver for outbound URLs (honours ARKGATE_DNS_OVERRIDES), the shutdown state,
 * the count of requests in flight it drains, and the one Redis connection (with its health). Imported by each module
 * that uses them (one instance: the module is static).
 */
@Module({
  providers: [
    {
      provide: HostResolver,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => new HostResolver(c.dnsOverrides, undefined, undefined, c.upstream === 'sandbox' ? RFC2606_ADDRESSES : undefined),
    },
    ShutdownState,
    InFlightRequests,
    RedisConnection,
  ],
  exports: [HostResolver, ShutdownState, InFlightRequests, RedisConnection],
})
export class CommonModule {}
