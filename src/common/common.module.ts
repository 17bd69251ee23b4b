import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ShutdownState } from './lifecycle/shutdown-state';
import { HostResolver } from './net/host-resolver';

/** Shared infrastructure: the one resolver for outbound URLs (honours ARKGATE_DNS_OVERRIDES) and the shutdown state. */
@Global()
@Module({
  providers: [{ provide: HostResolver, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new HostResolver(c.dnsOverrides) }, ShutdownState],
  exports: [HostResolver, ShutdownState],
})
export class CommonModule {}
