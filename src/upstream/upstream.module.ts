import { Module } from '@nestjs/common';
import { ArkDataClient, ArkOpenApiClient } from '@arkgate/byteplus';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import { countUpstreamCalls } from '../observability/upstream-metrics';

const DATA_PLANE_OPERATIONS = ['createTask', 'getTask', 'listTasks', 'deleteTask'] as const;

/**
 * The BytePlus clients, configured once from AppConfig (real BytePlus or the sandbox), each call counted in the metrics.
 * Imported by the modules that call BytePlus (tasks, assets).
 */
@Module({
  providers: [
    {
      provide: ArkDataClient,
      inject: [APP_CONFIG, { token: MetricsService, optional: true }],
      useFactory: (config: AppConfig, metrics?: MetricsService) =>
        countUpstreamCalls(
          new ArkDataClient({ baseUrl: config.ark.baseUrl, apiKey: config.ark.apiKey ?? '', timeoutMs: config.ark.timeoutMs }),
          metrics,
          'data',
          DATA_PLANE_OPERATIONS,
        ),
    },
    {
      provide: ArkOpenApiClient,
      inject: [APP_CONFIG, { token: MetricsService, optional: true }],
      useFactory: (config: AppConfig, metrics?: MetricsService) =>
        countUpstreamCalls(
          new ArkOpenApiClient({
            baseUrl: config.ark.openApiUrl,
            accessKeyId: config.ark.accessKeyId ?? '',
            secretAccessKey: config.ark.secretAccessKey ?? '',
            region: config.ark.region,
            timeoutMs: config.ark.timeoutMs,
          }),
          metrics,
          'control',
          ['call'],
          // The Action names a bounded set of asset actions; anything else is one label.
          (_m, args) => (typeof args[0] === 'string' && /^[A-Za-z]{1,40}$/.test(args[0]) ? args[0] : 'other'),
        ),
    },
  ],
  exports: [ArkDataClient, ArkOpenApiClient],
})
export class UpstreamModule {}
