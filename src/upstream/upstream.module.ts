import { Global, Module } from '@nestjs/common';
import { ArkDataClient, ArkOpenApiClient } from '@arkgate/byteplus';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/** The BytePlus clients, configured once from AppConfig (real BytePlus or the sandbox). */
@Global()
@Module({
  providers: [
    {
      provide: ArkDataClient,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new ArkDataClient({ baseUrl: config.ark.baseUrl, apiKey: config.ark.apiKey ?? '', timeoutMs: config.ark.timeoutMs }),
    },
    {
      provide: ArkOpenApiClient,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new ArkOpenApiClient({
          baseUrl: config.ark.openApiUrl,
          accessKeyId: config.ark.accessKeyId ?? '',
          secretAccessKey: config.ark.secretAccessKey ?? '',
          region: config.ark.region,
          timeoutMs: config.ark.timeoutMs,
        }),
    },
  ],
  exports: [ArkDataClient, ArkOpenApiClient],
})
export class UpstreamModule {}
