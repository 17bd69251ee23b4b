import { DynamicModule, Global, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';
import { CommonModule } from '../common/common.module';
import { AppLogger } from './app-logger';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { createLogRoot, LOG_ROOT } from './request-log';

/**
 * The request log (pino) and the Prometheus metrics (docs/contract.md §12). Global: the upstream
 * clients and the task sync count into MetricsService, the tasks module registers its gauges there, and a module
 * configured once with `forRoot` cannot be imported again by them; it reads and writes no rows. `logStream` replaces
 * stdout (tests capture the log with it).
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig, logStream?: DestinationStream): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [CommonModule],
      controllers: [MetricsController],
      // Depends on no feature module: gauges read from a module's tables are registered by that module (TaskMetrics).
      providers: [MetricsService, AppLogger, { provide: LOG_ROOT, useValue: createLogRoot(config, logStream) }],
      exports: [MetricsService, AppLogger, LOG_ROOT],
    };
  }
}
