import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';
import { CommonModule } from '../common/common.module';
import { TaskEntity } from '../tasks/task.entity';
import { TaskCrossTenantReader } from '../tasks/task-cross-tenant.reader';
import { AppLogger } from './app-logger';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { requestLogParams } from './request-log';

/**
 * The request log (pino through nestjs-pino) and the Prometheus metrics (docs/contract.md §12). Global: the upstream
 * clients and the task sync count into MetricsService, and a module configured once with `forRoot` cannot be imported
 * again by them; it writes no rows. `logStream` replaces stdout (tests capture the log with it).
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig, logStream?: DestinationStream): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [LoggerModule.forRoot(requestLogParams(config, logStream)), TypeOrmModule.forFeature([TaskEntity]), CommonModule],
      controllers: [MetricsController],
      // Its own TaskCrossTenantReader (stateless) for the task counts, so this module depends on no feature module.
      providers: [MetricsService, TaskCrossTenantReader, AppLogger],
      exports: [MetricsService, AppLogger],
    };
  }
}
