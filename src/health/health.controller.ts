import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PublicApi } from '../tenancy/auth/api-auth.decorators';
import { HealthService } from './health.service';

@ApiTags('health')
@PublicApi()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  alive() {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: 503 while the database does not answer or the instance is shutting down; Redis down keeps it ready' })
  @ApiOkResponse({ schema: { example: { status: 'ready', database: 'ok', redis: 'not_configured', draining: false } } })
  ready() {
    return this.health.ready();
  }
}
