import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokenRepository } from './api-token.repository';
import { ApiGuard } from './auth/api.guard';
import { BearerStrategy } from './auth/bearer.strategy';
import { ResilientThrottlerStorage } from './auth/resilient-throttler.storage';
import { RedisConnection } from '../common/redis/redis-connection';
import { CommonModule } from '../common/common.module';
import { HeaderAuthenticator } from './auth/header-authenticator';
import { UnauthenticatedRateLimiter } from './auth/unauthenticated-rate-limiter';
import { REQUEST_AUTHENTICATOR } from '../common/http/body-gate.middleware';
import { TenantThrottlerGuard } from './auth/tenant-throttler.guard';
import { TenancyService } from './tenancy.service';
import { TenantEntity } from './tenant.entity';
import type { AuthenticatedRequest } from '../common/tenant-identity/tenant-context';

/** Staff tokens (admin, auditor) are counted too, against a limit this many times the tenant default. */
const STAFF_LIMIT_FACTOR = 10;

@Module({
  imports: [
    TypeOrmModule.forFeature([TenantEntity, ApiTokenEntity]),
    PassportModule,
    CommonModule,
    ThrottlerModule.forRootAsync({
      imports: [CommonModule],
      inject: [APP_CONFIG, RedisConnection],
      useFactory: (config: AppConfig, redis: RedisConnection) => ({
        throttlers: [
          {
            name: 'default',
            ttl: 60_000,
            limit: (ctx) => {
              const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().user;
              return principal?.tenant?.rateLimitPerMinute ?? config.defaultRateLimitPerMinute * STAFF_LIMIT_FACTOR;
            },
          },
        ],
        // Shared through Redis when REDIS_URL is set, in process otherwise or while Redis is unreachable.
        storage: new ResilientThrottlerStorage(redis),
      }),
    }),
  ],
  providers: [
    TenancyService,
    ApiTokenRepository,
    BearerStrategy,
    UnauthenticatedRateLimiter,
    // The body gate authenticates from the header before reading a body (docs/contract.md §10).
    { provide: REQUEST_AUTHENTICATOR, useClass: HeaderAuthenticator },
    // Global guards run in this order: who is calling, then how often.
    { provide: APP_GUARD, useClass: ApiGuard },
    { provide: APP_GUARD, useClass: TenantThrottlerGuard },
  ],
  exports: [TenancyService, REQUEST_AUTHENTICATOR],
})
export class TenancyModule {}
