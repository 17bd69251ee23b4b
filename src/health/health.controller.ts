import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PublicApi } from '../tenancy/auth/api-auth.decorators';
import { HealthService } from './health.service';
import { schemaOf } from '../common/openapi/schema-of';

@ApiTags('health')
@PublicApi()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers', description: 'No token. Always 200 while the process runs; restart it when this fails.' })
  @ApiOkResponse({ description: 'Alive.', schema: schemaOf({ status: 'ok' }) })
  alive() {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({
    summary: 'Readiness: 503 while the database does not answer or the instance is shutting down; Redis down keeps it ready',
    description: 'No token. For a load balancer: send traffic only while this answers 200. `redis` is ok, down or not_configured.',
  })
  @ApiOkResponse({ description: 'Ready.', schema: schemaOf({ status: 'ready', database: 'ok', redis: 'not_configured', draining: false }) })
  @ApiResponse({
    status: 503,
    description: 'Not ready: the database does not answer, or the instance is draining.',
    schema: schemaOf({ status: 'not_ready', database: 'down', redis: 'ok', draining: false }),
  })
  ready() {
    return this.health.ready();
  }
}
