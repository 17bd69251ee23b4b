import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DestinationStream } from 'pino';
import { AdminModule } from './admin/admin.module';
import { AssetsModule } from './assets/assets.module';
import { AuditModule } from './audit/audit.module';
import { AuditExportModule } from './audit/audit-export.module';
import { BillingModule } from './billing/billing.module';
import { CatalogModule } from './catalog/catalog.module';
import { CommonModule } from './common/common.module';
import { ConsoleModule } from './console/console.module';
import { NativeErrorFilter } from './common/errors/native-error.filter';
import { NativeValidationPipe } from './common/http/native-validation.pipe';
import { BodyGateMiddleware } from './common/http/body-gate.middleware';
import { RequestContextMiddleware } from './common/http/request-context.middleware';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source-options';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { ObservabilityModule } from './observability/observability.module';
import { TasksModule } from './tasks/tasks.module';
import { TenancyModule } from './tenancy/tenancy.module';
import { UpstreamModule } from './upstream/upstream.module';
import { VideosModule } from './videos/videos.module';

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: AppConfig, opts: { logStream?: DestinationStream } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // First, so its request log middleware sees every request, the body gate's refusals included.
        ObservabilityModule.forRoot(config, opts.logStream),
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.database), migrationsRun: true }),
        DatabaseModule,
        // Also here for the error filter below: the audit module is its refusal listener.
        AuditModule,
        CommonModule,
        UpstreamModule,
        TenancyModule,
        CatalogModule,
        TasksModule,
        AssetsModule,
        BillingModule,
        AdminModule,
        AuditExportModule,
        HealthModule,
        VideosModule,
        ConsoleModule.forRoot(config),
      ],
      providers: [
        { provide: APP_FILTER, useClass: NativeErrorFilter },
        { provide: APP_PIPE, useClass: NativeValidationPipe },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // The body gate reads every request body: after authentication, under the JSON limits (docs/contract.md §10).
    consumer.apply(RequestContextMiddleware, BodyGateMiddleware).forRoutes('*path');
  }
}
