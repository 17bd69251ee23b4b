import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditorApi } from '../tenancy/auth/api-auth.decorators';
import { MetricsService } from './metrics.service';

/** `GET /metrics` on the API port, for admins and auditors (tokenless only on METRICS_PORT, see main.ts). */
@ApiTags('operations')
@AuditorApi()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics of this instance',
    description:
      'Prometheus text format: HTTP requests and durations by route template, BytePlus calls by plane, operation and outcome, ' +
      'task records by status, settle lag, unreconciled records, ledger charges by SKU, Redis fallbacks and the process metrics. ' +
      'Admin or auditor token; set METRICS_PORT to also serve it without a token on a port of its own.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4.',
    content: { 'text/plain': { schema: { type: 'string', example: 'arkgate_http_requests_total{method="GET",route="/healthz",status="200"} 1' } } },
  })
  async scrape(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.exposition();
    res.type(contentType).send(body);
  }
}
