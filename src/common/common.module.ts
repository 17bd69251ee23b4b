import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JsonParser } from './http/json-parser';
import { InFlightRequests } from './lifecycle/in-flight-requests';
import { ShutdownState } from './lifecycle/shutdown-state';
import { HostResolver, RFC2606_ADDRESSES } from './net/host-resolver';
import { RedisConnection } from './redis/redis-connection';

/**
 * Shared infrastructure: the one resolver for outbound URLs (honours ARKGATE_DNS_OVERRIDES), the shutdown state,
 * the count of requests in flight it drains, the one Redis connection (with its health), and the JSON parser's worker
 * (request bodies; large uploads as held data URIs). Imported by each module
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
    JsonParser,
  ],
  exports: [HostResolver, ShutdownState, InFlightRequests, RedisConnection, JsonParser],
})
export class CommonModule {}
